import Controllers
import KubeAPI
import Testing

@Suite struct LocalServiceWantsEndpointsTests {
    @Test(arguments: [("true", true), ("managed-resource", true), ("ignore", false), ("false", false), (nil, false)])
    func byLabel(label: String?, wanted: Bool) {
        #expect(localServiceWantsEndpoints(Fixture.local(label: label)) == wanted)
    }
}

@Suite struct DesiredEndpointsTests {
    static let nodes = Fixture.addressSet([
        Fixture.node("b", internalIP: "10.0.0.2"),
        Fixture.node("a", internalIP: "10.0.0.1"),
        Fixture.node("c", internalIP: "10.0.0.3", ready: .false),
    ])

    @Test func readyNodesAreAddressesOthersNotReady() {
        let desired = desiredEndpoints(for: Fixture.local(), nodes: Self.nodes, settings: Fixture.settings)
        #expect(desired.warnings.isEmpty)
        #expect(desired.endpoints.metadata.name == "web")
        #expect(desired.endpoints.metadata.namespace == "shop")
        #expect(desired.endpoints.metadata.labels == ["tfw.io/barrelman": "true"])
        #expect(
            desired.endpoints.subsets == [
                EndpointSubset(
                    addresses: [
                        EndpointAddress(ip: "10.0.0.1", nodeName: "a"), EndpointAddress(ip: "10.0.0.2", nodeName: "b"),
                    ],
                    notReadyAddresses: [EndpointAddress(ip: "10.0.0.3", nodeName: "c")],
                    ports: [EndpointPort(name: "http", port: 30080, protocol: "TCP")])
            ])
    }

    @Test(arguments: [(EndpointsMode.endpointSlices, false), (.endpoints, false), (.both, true)])
    func skipMirrorOnlyWhenSlicesAreWrittenToo(mode: EndpointsMode, skipMirror: Bool) {
        let settings = Fixture.with { $0.endpointsMode = mode }
        let labels = desiredEndpoints(for: Fixture.local(), nodes: Self.nodes, settings: settings).endpoints.metadata
            .labels
        #expect((labels["endpointslice.kubernetes.io/skip-mirror"] == "true") == skipMirror)
    }

    struct PortCase: Sendable, CustomStringConvertible {
        var description: String
        var port: ServicePort
        var endpointPort: EndpointPort?
    }

    @Test(arguments: [
        PortCase(
            description: "integer targetPort", port: ServicePort(name: "a", port: 80, targetPort: 31000),
            endpointPort: EndpointPort(name: "a", port: 31000, protocol: "TCP")),
        PortCase(
            description: "absent targetPort means the port", port: ServicePort(name: "a", port: 80),
            endpointPort: EndpointPort(name: "a", port: 80, protocol: "TCP")),
        PortCase(
            description: "UDP kept", port: ServicePort(name: "d", protocol: "UDP", port: 53, targetPort: 30053),
            endpointPort: EndpointPort(name: "d", port: 30053, protocol: "UDP")),
        PortCase(
            description: "unnamed port", port: ServicePort(port: 80, targetPort: 30080),
            endpointPort: EndpointPort(port: 30080, protocol: "TCP")),
        PortCase(
            description: "numeric string targetPort", port: ServicePort(name: "a", port: 80, targetPort: "31001"),
            endpointPort: EndpointPort(name: "a", port: 31001, protocol: "TCP")),
        PortCase(
            description: "named targetPort left out", port: ServicePort(name: "a", port: 80, targetPort: "web"),
            endpointPort: nil),
        PortCase(
            description: "out-of-range targetPort left out", port: ServicePort(name: "a", port: 80, targetPort: 70000),
            endpointPort: nil),
    ])
    func ports(_ test: PortCase) {
        let desired = desiredEndpoints(
            for: Fixture.local(ports: [test.port]), nodes: Self.nodes, settings: Fixture.settings)
        #expect(desired.endpoints.subsets.first?.ports == (test.endpointPort.map { [$0] } ?? []))
        #expect(desired.warnings.count == (test.endpointPort == nil ? 1 : 0))
    }

    @Test func noNodesMeansNoSubset() {
        let desired = desiredEndpoints(for: Fixture.local(), nodes: NodeAddressSet(), settings: Fixture.settings)
        #expect(desired.endpoints.subsets.isEmpty)
        let portless = desiredEndpoints(
            for: Fixture.local(ports: []), nodes: NodeAddressSet(), settings: Fixture.settings)
        #expect(portless.endpoints.subsets.isEmpty)
    }
}

@Suite struct EndpointsPlannerTests {
    static let nodes = Fixture.addressSet([
        Fixture.node("a", internalIP: "10.0.0.1"), Fixture.node("b", internalIP: "10.0.0.2"),
    ])
    static let desired = desiredEndpoints(for: Fixture.local(), nodes: nodes, settings: Fixture.settings).endpoints

    static func stored(_ endpoints: Endpoints) -> Endpoints {
        var copy = endpoints
        copy.metadata.uid = "ep-uid"
        copy.metadata.resourceVersion = "7"
        copy.metadata.labels["other"] = "kept"
        return copy
    }

    @Test func missingIsCreated() {
        #expect(planEndpoints(desired: Self.desired, existing: nil) == .create(Self.desired))
    }

    @Test func sameStateIsNoWrite() {
        #expect(planEndpoints(desired: Self.desired, existing: Self.stored(Self.desired)) == .none)
    }

    @Test func reorderedAddressesAreNoChange() {
        var existing = Self.stored(Self.desired)
        existing.subsets[0].addresses.reverse()
        #expect(planEndpoints(desired: Self.desired, existing: existing) == .none)
    }

    @Test func changedAddressesUpdateAndKeepMetadata() {
        var existing = Self.stored(Self.desired)
        existing.subsets[0].addresses.removeLast()
        guard case .update(let updated) = planEndpoints(desired: Self.desired, existing: existing) else {
            Issue.record("expected an update")
            return
        }
        #expect(updated.subsets == Self.desired.subsets)
        #expect(updated.metadata.resourceVersion == "7")
        #expect(updated.metadata.uid == "ep-uid")
        #expect(updated.metadata.labels == ["tfw.io/barrelman": "true", "other": "kept"])
    }

    @Test func endpointsWrittenByAPersonAreTakenOverWithOurLabel() {
        var existing = Self.stored(Self.desired)
        existing.metadata.labels = [:]
        guard case .update(let updated) = planEndpoints(desired: Self.desired, existing: existing) else {
            Issue.record("expected an update")
            return
        }
        #expect(updated.metadata.labels["tfw.io/barrelman"] == "true")
    }

    @Test func skipMirrorIsRemovedWhenNoLongerWritingSlices() {
        var existing = Self.stored(Self.desired)
        existing.metadata.labels["endpointslice.kubernetes.io/skip-mirror"] = "true"
        guard case .update(let updated) = planEndpoints(desired: Self.desired, existing: existing) else {
            Issue.record("expected an update")
            return
        }
        #expect(updated.metadata.labels["endpointslice.kubernetes.io/skip-mirror"] == nil)
    }
}

@Suite struct NoReadyNodesWarningTests {
    @Test func warnsOnlyWithoutReadyNodes() throws {
        let service = Fixture.local()
        let ready = Fixture.addressSet([Fixture.node("a", internalIP: "10.0.0.1")])
        #expect(noReadyNodesWarning(for: service, nodes: ready, settings: Fixture.settings) == nil)

        let notReady = Fixture.addressSet([Fixture.node("a", internalIP: "10.0.0.1", ready: .false)])
        let warning = try #require(noReadyNodesWarning(for: service, nodes: notReady, settings: Fixture.settings))
        #expect(warning.reason == "NoReadyRemoteNodes")
        #expect(warning.message.contains("remote-a"))
        #expect(warning.message.contains("none of the 1 nodes"))

        let none = try #require(noReadyNodesWarning(for: service, nodes: NodeAddressSet(), settings: Fixture.settings))
        #expect(none.reason == "NoReadyRemoteNodes")
        #expect(none.message.contains("no endpoints"))
    }
}
