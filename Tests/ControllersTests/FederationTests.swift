import Controllers
import KubeAPI
import Testing

/// The pure decisions of federated services: who writes the Service, the union of ports, failover.
struct FederationTests {
    static func source(
        _ identity: String, created: String?, ports: [ServicePort] = [http80], priority: Int? = nil, ready: Bool = true
    ) -> FederationSource {
        FederationSource(identity: identity, created: created, ports: ports, priority: priority, hasReadyEndpoint: ready)
    }
    static let http80 = ServicePort(name: "http", protocol: "TCP", port: 80, targetPort: .int(30080))

    static func settings(_ identity: String, federate: Bool = true, priority: Int? = nil) -> ControllerSettings {
        var settings = ControllerSettings(remoteClusterName: identity, remoteClusterID: "kubeconfig/\(identity)")
        settings.federate = federate
        settings.priority = priority
        return settings
    }

    static func remote(created: String, ports: [ServicePort]? = nil, annotations: [String: String] = [:]) -> Service {
        var remote = Fixture.remote(annotations: annotations)
        remote.metadata.creationTimestamp = created
        if let ports { remote.spec.ports = ports }
        return remote
    }

    @Test(arguments: [
        (["a": "2026-01-02T00:00:00Z", "b": "2026-01-01T00:00:00Z"], "b"),
        (["a": "2026-01-01T00:00:00Z", "b": "2026-01-01T00:00:00Z"], "a"),
        (["a": nil, "b": "2026-01-03T00:00:00Z"], "b"),
        ([:], nil),
    ] as [([String: String?], String?)])
    func theOldestRemoteServiceWritesTheServiceTiesByIdentity(created: [String: String?], writer: String?) {
        #expect(federationWriter(created.map { Self.source($0.key, created: $0.value) }) == writer)
    }

    @Test func portsAreTheUnionAndAConflictingPortIsLeftOutOfTheYoungerSourceOnly() {
        let grpc = ServicePort(name: "grpc", protocol: "TCP", port: 9090, targetPort: .int(30090))
        let httpOn8080 = ServicePort(name: "http", protocol: "TCP", port: 8080, targetPort: .int(31080))
        let metricsOn80 = ServicePort(name: "metrics", protocol: "TCP", port: 80, targetPort: .int(31081))
        let old = Self.source("old", created: "2026-01-01T00:00:00Z", ports: [Self.http80])
        let young = Self.source("young", created: "2026-01-02T00:00:00Z", ports: [Self.http80, grpc, httpOn8080, metricsOn80])
        let ports = federatedPorts([young, old])
        #expect(ports.union.map(\.name) == ["http", "grpc"])
        #expect(ports.union.first?.targetPort == .int(30080), "the older source's node port")
        #expect(ports.accepted["old"] == [Self.http80])
        #expect(ports.accepted["young"] == [Self.http80, grpc], "same port: kept; its node port is its own")
        #expect(ports.conflicts["young"]?.count == 2)
        #expect(ports.conflicts["old"] == nil)
    }

    @Test(arguments: [
        // (my priority, others: (priority, ready)), stands by
        (1, [(2, true)], false),
        (2, [(1, true)], true),
        (2, [(1, false)], false),
        (1, [(1, true)], false),
        (nil, [(5, true)], true),
        (3, [(nil, true)], false),
        (nil, [(nil, true)], false),
    ] as [(Int?, [(Int?, Bool)], Bool)])
    func aLowerPriorityStandsByWhileAPreferredSourceHasAReadyEndpoint(mine: Int?, others: [(Int?, Bool)], standsBy: Bool) {
        let others = others.enumerated().map {
            Self.source("o\($0.offset)", created: nil, priority: $0.element.0, ready: $0.element.1)
        }
        #expect(federationStandsBy(priority: mine, others: others) == standsBy)
    }

    @Test func whatASourceRecordsOnItsSlicesReadsBack() {
        let settings = Self.settings("west", priority: 2)
        let remote = Self.remote(created: "2026-01-01T00:00:00Z")
        let set = FederatedSliceSet(remote: remote, ports: FederationSource(remote: remote, settings: settings).ports, standsBy: true, settings: settings)
        let slices = desiredEndpointSlices(
            for: Fixture.local(), nodes: Fixture.addressSet(Fixture.nodes(3)), settings: settings, federation: set)
        #expect(slices.allSatisfy { $0.metadata.labels[BarrelmanLabels.sourceClusterLabel] == "west" })
        #expect(slices.allSatisfy { EndpointSliceNaming.isValidDNSSubdomain($0.metadata.name) })
        #expect(slices.flatMap(\.endpoints).allSatisfy { $0.conditions.ready == false }, "standing by")
        let read = FederationSource.recorded(on: slices)
        #expect(read == [
            FederationSource(
                identity: "kubeconfig/west", created: "2026-01-01T00:00:00Z", ports: [Self.http80], priority: 2,
                hasReadyEndpoint: false)
        ])
    }

    @Test func sliceNamesOfTwoSourcesDifferAndStayValidForLongNames() {
        let long = String(repeating: "a", count: 253)
        for service in ["web", long] {
            let east = EndpointSliceNaming.name(service: service, family: .ipv4, index: 0, source: "kubeconfig/east")
            let west = EndpointSliceNaming.name(service: service, family: .ipv4, index: 0, source: "kubeconfig/west")
            #expect(east != west)
            #expect(EndpointSliceNaming.isValidDNSSubdomain(east) && EndpointSliceNaming.isValidDNSSubdomain(west))
            #expect(EndpointSliceNaming.index(of: east, service: service, family: .ipv4, source: "kubeconfig/east") == 0)
            #expect(EndpointSliceNaming.index(of: east, service: service, family: .ipv4) == nil)
        }
    }

    @Test func theOldestSourceCreatesTheServiceWithTheUnionTheOthersWriteNothing() {
        let grpc = ServicePort(name: "grpc", protocol: "TCP", port: 9090, targetPort: 9090, nodePort: 30090)
        let remote = Self.remote(created: "2026-01-02T00:00:00Z", ports: [Fixture.remote().spec.ports[0], grpc])
        let older = Self.source("kubeconfig/east", created: "2026-01-01T00:00:00Z")
        #expect(planFederatedService(remote: remote, local: nil, others: [older], settings: Self.settings("west")) == .none)

        guard case .create(let created) = planFederatedService(
            remote: remote, local: nil, others: [Self.source("kubeconfig/east", created: "2026-01-03T00:00:00Z")],
            settings: Self.settings("west"))
        else { Issue.record("the oldest creates"); return }
        #expect(created.spec.ports.map(\.name) == ["http", "grpc"])
        #expect(BarrelmanLabels.isFederated(created.metadata))
        #expect(created.metadata.annotations[BarrelmanLabels.remoteClusterAnnotation] == "kubeconfig/west")

        var local = created
        local.metadata.uid = "u1"
        let steady = planFederatedService(
            remote: remote, local: local, others: [Self.source("kubeconfig/east", created: "2026-01-03T00:00:00Z")],
            settings: Self.settings("west"))
        #expect(steady == .none, "steady state")
        // The younger source, which sees the same service, leaves it alone.
        let east = Self.remote(created: "2026-01-03T00:00:00Z")
        let westSource = FederationSource(remote: remote, settings: Self.settings("west"))
        #expect(planFederatedService(remote: east, local: local, others: [westSource], settings: Self.settings("east")) == .none)
    }

    @Test func theServiceGoesWithTheLastSourceAndOnlyItsWriterDeletesIt() {
        var local = desiredFederatedServiceFixture(writer: "west")
        local.metadata.uid = "u1"
        let east = Self.source("kubeconfig/east", created: "2026-01-03T00:00:00Z")
        var recorded = local
        recorded.metadata.annotations[BarrelmanLabels.sourceCreatedAnnotation] = "2026-01-01T00:00:00Z"
        #expect(
            planFederatedService(remote: nil, local: recorded, others: [east], settings: Self.settings("west"))
                == .update(local), "the writer withdraws its creation time while another source remains")
        #expect(planFederatedService(remote: nil, local: local, others: [east], settings: Self.settings("west")) == .none)
        #expect(
            planFederatedService(remote: nil, local: local, others: [], settings: Self.settings("west"))
                == .delete(namespace: "shop", name: "web", uid: "u1"))
        #expect(planFederatedService(remote: nil, local: local, others: [], settings: Self.settings("east")) == .none)
        // The younger one takes over once the writer's slices are gone.
        let remote = Self.remote(created: "2026-01-03T00:00:00Z")
        guard case .update(let updated) = planFederatedService(remote: remote, local: local, others: [], settings: Self.settings("east"))
        else { Issue.record("east takes over"); return }
        #expect(updated.metadata.annotations[BarrelmanLabels.remoteClusterAnnotation] == "kubeconfig/east")
    }

    @Test func aServiceNotFederatedKeepsTodaysRule() {
        let plain = Fixture.mirrored(from: Fixture.remote(), settings: Self.settings("east", federate: false))
        let action = planFederatedService(
            remote: Self.remote(created: "2026-01-01T00:00:00Z"), local: plain, others: [], settings: Self.settings("west"))
        guard case .conflict = action else { Issue.record("\(action)"); return }
        #expect(remoteServiceFederates(Fixture.remote(), settings: Self.settings("x", federate: false)) == false)
        #expect(
            remoteServiceFederates(
                Fixture.remote(annotations: [BarrelmanLabels.federateAnnotation: "true"]), settings: Self.settings("x", federate: false)))
    }

    @Test func aYoungerSourceLeavesTheServiceToItsRecordedWriterBeforeTheWritersSlicesExist() {
        let west = Self.remote(created: "2026-01-01T00:00:00Z")
        guard case .create(var local) = planFederatedService(remote: west, local: nil, others: [], settings: Self.settings("west"))
        else { Issue.record("west creates"); return }
        local.metadata.uid = "u1"
        #expect(local.metadata.annotations[BarrelmanLabels.sourceCreatedAnnotation] == "2026-01-01T00:00:00Z")
        let east = Self.remote(created: "2026-01-02T00:00:00Z")
        #expect(planFederatedService(remote: east, local: local, others: [], settings: Self.settings("east")) == .none)
        // An older source that lost the race to create takes it over.
        let older = Self.remote(created: "2025-12-31T00:00:00Z")
        guard case .update = planFederatedService(remote: older, local: local, others: [], settings: Self.settings("east"))
        else { Issue.record("the older takes over"); return }
    }

    func desiredFederatedServiceFixture(writer: String) -> Service {
        var local = desiredLocalService(for: Fixture.remote(), settings: Self.settings(writer))
        local.metadata.annotations[BarrelmanLabels.federateAnnotation] = "true"
        return local
    }
}
