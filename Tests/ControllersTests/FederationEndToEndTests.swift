import Controllers
import KubeAPI
import TestAPIServer
import TestSupport
import Testing

/// Federated services over one local and two remote clusters in one process (`RemoteFleet`): every remote
/// that has the service serves it with its own slice set, the oldest writes the Service, priorities fail over.
/// Each mirror reads the others only from the local cluster, as separate processes would.
@Suite(.timeLimit(.minutes(3))) struct FederationEndToEndTests {
    static let federate = [BarrelmanLabels.federateAnnotation: BarrelmanLabels.federateValue]
    static let eastNodes = ["10.0.0.1", "10.0.0.2"]
    static let westNodes = ["10.0.1.1", "10.0.1.2"]

    /// Runs `body` with a local cluster, east (the first remote) and west (a second in-process server with nodes
    /// of its own addresses), both mirrored by one fleet with the given priorities.
    static func withFleet(
        eastPriority: Int? = nil, westPriority: Int? = nil,
        _ body: (TwoClusters, KubeClient, TestAPIServer) async throws -> Void
    ) async throws {
        try await TwoClusters.with(inProcessOnly: true) { clusters in
            let westServer = try await TestAPIServer.start()
            let west = KubeClient(config: westServer.adminConfig(), transport: HTTPTransport())
            _ = try await west.create(Namespace(metadata: ObjectMeta(name: clusters.namespace)))
            for (index, address) in westNodes.enumerated() {
                var node = try await west.create(Node(metadata: ObjectMeta(name: "west-\(index)")))
                node.status = NodeStatus(
                    addresses: [NodeAddress(type: "InternalIP", address: address)],
                    conditions: [NodeCondition(type: "Ready", status: "True")])
                _ = try await west.update(node, subresource: "status")
            }
            let local = LocalCluster(client: clusters.local, resyncPeriod: .seconds(60), dryRun: false)
            let fleet = RemoteFleet<String>(local: local, retryDelay: .milliseconds(200))
            let running = Task { await fleet.run() }
            await fleet.apply([
                RemoteFleetTests.member("east", clusters.remote, clusters: clusters, priority: eastPriority),
                RemoteFleetTests.member("west", west, clusters: clusters, priority: westPriority),
            ])
            do {
                try await body(clusters, west, westServer)
            } catch {
                running.cancel()
                await running.value
                await westServer.stop()
                throw error
            }
            running.cancel()
            await running.value
            await westServer.stop()
        }
    }

    static func createService(
        _ client: KubeClient, _ clusters: TwoClusters, ports: [ServicePort] = [ServicePort(name: "http", port: 80)]
    ) async throws {
        _ = try await client.create(
            Service(
                metadata: ObjectMeta(name: "web", namespace: clusters.namespace, annotations: federate),
                spec: ServiceSpec(type: .nodePort, ports: ports, selector: ["app": "web"])))
    }

    static func localService(_ clusters: TwoClusters) async -> Service? {
        try? await clusters.local.get(Service.self, name: "web", namespace: clusters.namespace)
    }

    static func slices(_ clusters: TwoClusters, source: String) async throws -> [EndpointSlice] {
        try await EndToEndTests.localSlices(clusters, "web").filter {
            $0.metadata.labels[BarrelmanLabels.sourceClusterLabel] == source
        }
    }

    /// `web` federated in east, then west, served with the union of both clusters' ready nodes.
    static func federateInBoth(_ clusters: TwoClusters, _ west: KubeClient) async throws {
        try await createService(clusters.remote, clusters)
        try await createService(west, clusters)
        try await expectEventually("the union of both clusters' ready nodes") {
            try await EndToEndTests.endpointsOf(clusters, "web").ready == eastNodes + westNodes
        }
    }

    @Test func everyRemoteServesItsOwnSliceSetAndTheServiceGoesWithTheLastOne() async throws {
        try await Self.withFleet { clusters, west, _ in
            try await Self.federateInBoth(clusters, west)
            let service = await Self.localService(clusters)
            #expect(service.map { BarrelmanLabels.isFederated($0.metadata) } == true)
            #expect(service?.metadata.annotations[BarrelmanLabels.remoteClusterAnnotation] == "kubeconfig/east",
                "the oldest (a tie: by identity) writes it")
            let westSlices = try await Self.slices(clusters, source: "west")
            #expect(!westSlices.isEmpty)
            #expect(westSlices.allSatisfy { $0.metadata.annotations[BarrelmanLabels.remoteClusterAnnotation] == "kubeconfig/west" })

            // Nobody fought over the Service on the way either: a create each (one finds the name taken), and at
            // most one takeover when the younger source's create came first.
            let server = try #require(clusters.localServer)
            #expect(server.state.faults.writeCount(resource: "services") <= 3)
            // Steady state: nobody fights over the Service or anyone's slices.
            try await Task.sleep(for: .seconds(2))
            server.state.faults.resetCounts()
            try await Task.sleep(for: .seconds(5))
            #expect(server.state.faults.writeCount() == 0, "two sources in steady state write nothing")

            // East loses it: only its slices go, and west takes over the Service.
            try await clusters.remote.delete(Service.self, name: "web", namespace: clusters.namespace)
            try await expectEventually("only west's nodes") {
                try await EndToEndTests.endpointsOf(clusters, "web").ready == Self.westNodes
            }
            try await expectEventually("west writes the Service") {
                await Self.localService(clusters)?.metadata.annotations[BarrelmanLabels.remoteClusterAnnotation]
                    == "kubeconfig/west"
            }
            #expect(try await Self.slices(clusters, source: "east").isEmpty)

            // West loses it too: the local service goes.
            try await west.delete(Service.self, name: "web", namespace: clusters.namespace)
            try await expectEventually("the local service is gone") { await Self.localService(clusters) == nil }
        }
    }

    @Test func aRemoteThatCannotBeReachedKeepsItsSlices() async throws {
        try await Self.withFleet { clusters, west, westServer in
            try await Self.federateInBoth(clusters, west)
            let before = try await Self.slices(clusters, source: "west").map(\.metadata.uid)
            await westServer.stop()
            try await Task.sleep(for: .seconds(3))
            #expect(try await Self.slices(clusters, source: "west").map(\.metadata.uid) == before, "nothing deleted")
            #expect(await Self.localService(clusters) != nil)
        }
    }

    @Test func aConflictingPortStaysWithTheOldestAndIsReportedOnce() async throws {
        try await Self.withFleet { clusters, west, _ in
            try await Self.createService(clusters.remote, clusters)
            try await Self.createService(
                west, clusters, ports: [ServicePort(name: "http", port: 8080), ServicePort(name: "grpc", port: 9090)])
            try await expectEventually("the union: east's http, west's grpc") {
                await Self.localService(clusters)?.spec.ports.map(\.port).sorted() == [80, 9090]
            }
            try await expectEventually("west's slices carry only grpc") {
                let slices = try await Self.slices(clusters, source: "west")
                return !slices.isEmpty && slices.allSatisfy { $0.ports.map(\.name) == ["grpc"] }
            }
            let eastSlices = try await Self.slices(clusters, source: "east")
            #expect(eastSlices.allSatisfy { $0.ports.map(\.name) == ["http"] })
            try await expectEventually("one Warning Event") {
                try await clusters.local.list(Event.self, namespace: clusters.namespace).items
                    .filter { $0.reason == "FederatedPortConflict" }.count == 1
            }
        }
    }

    @Test func aLowerPriorityClusterIsReadyOnlyWhileThePreferredHasNoReadyEndpoint() async throws {
        try await Self.withFleet(eastPriority: 1, westPriority: 2) { clusters, west, _ in
            try await Self.createService(clusters.remote, clusters)
            try await Self.createService(west, clusters)
            try await expectEventually("east serves, west stands by") {
                let endpoints = try await EndToEndTests.endpointsOf(clusters, "web")
                return endpoints.ready == Self.eastNodes && Set(Self.westNodes).isSubset(of: endpoints.notReady)
            }
            #expect(try await Self.slices(clusters, source: "west").allSatisfy {
                $0.metadata.annotations[BarrelmanLabels.priorityAnnotation] == "2"
            })
            // East's nodes go not ready: west takes the traffic.
            try await clusters.setNode("node-a", ip: "10.0.0.1", ready: false)
            try await clusters.setNode("node-b", ip: "10.0.0.2", ready: false)
            try await expectEventually("west fails over") {
                try await EndToEndTests.endpointsOf(clusters, "web").ready == Self.westNodes
            }
            // East is back: west stands by again.
            try await clusters.setNode("node-a", ip: "10.0.0.1", ready: true)
            try await expectEventually("east serves again") {
                try await EndToEndTests.endpointsOf(clusters, "web").ready == ["10.0.0.1"]
            }
        }
    }
}
