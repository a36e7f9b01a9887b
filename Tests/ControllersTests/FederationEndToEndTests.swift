import Controllers
import KubeAPI
import TestAPIServer
import TestSupport
import Testing

/// Federated services over one local and two remote clusters in one process (`RemoteFleet`): every remote
/// that has the service serves it with its own slice set, the oldest writes the Service, priorities fail over.
/// Each mirror reads the others only from the local cluster, as separate processes would.
///
/// The remotes are east (the first) and west (the second: `BARRELMAN_E2E_REMOTE2_KUBECONFIG` on real clusters),
/// with the nodes they have; their probes go to the test's loopback fleet, so nothing dials a node. Only the
/// test that stops a remote's API server runs in-process whatever the environment.
@Suite(.timeLimit(.minutes(3))) struct FederationEndToEndTests {
    static let federate = [BarrelmanLabels.federateAnnotation: BarrelmanLabels.federateValue]

    /// The clusters of one test, and each remote's nodes that endpoints use (ready, IPv4, as barrelman picks them).
    struct Fleet {
        let clusters: TwoClusters
        let west: KubeClient
        let eastNodes: [NodeAddressEntry]
        let westNodes: [NodeAddressEntry]
        var east: KubeClient { clusters.remote }
        var eastAddresses: [String] { eastNodes.map(\.address).sorted() }
        var westAddresses: [String] { westNodes.map(\.address).sorted() }
    }

    /// The remote's ready nodes that a service's endpoints use.
    static func servingNodes(_ remote: KubeClient) async throws -> [NodeAddressEntry] {
        let nodes = try await remote.listAll(NodeSummary.self).items
        let selection = EndpointNodeSelection(candidates: NodeAddressSet(nodes: nodes, settings: ControllerSettings()))
        return selection.nodes.ipv4.filter(\.ready).sorted { $0.address < $1.address }
    }

    /// Runs `body` with the local cluster, east and west, both mirrored by one fleet with the given priorities.
    static func withFleet(
        inProcessOnly: Bool = false, eastPriority: Int? = nil, westPriority: Int? = nil,
        _ body: (Fleet) async throws -> Void
    ) async throws {
        try await TwoClusters.with(inProcessOnly: inProcessOnly, secondRemote: true) { clusters in
            let west = try #require(clusters.secondRemote)
            let fleet = Fleet(
                clusters: clusters, west: west, eastNodes: try await servingNodes(clusters.remote),
                westNodes: try await servingNodes(west))
            try #require(!fleet.eastNodes.isEmpty && !fleet.westNodes.isEmpty, "each remote needs a ready node")
            try #require(
                Set(fleet.eastAddresses).isDisjoint(with: fleet.westAddresses),
                "the two remotes' nodes have addresses of their own")
            let local = LocalCluster(client: clusters.local, resyncPeriod: .seconds(60), dryRun: false)
            let remotes = RemoteFleet<String>(local: local, retryDelay: .milliseconds(200))
            let running = Task { await remotes.run() }
            await remotes.apply([
                RemoteFleetTests.member("east", clusters.remote, clusters: clusters, priority: eastPriority),
                RemoteFleetTests.member("west", west, clusters: clusters, priority: westPriority),
            ])
            do {
                try await body(fleet)
            } catch {
                running.cancel()
                await running.value
                throw error
            }
            running.cancel()
            await running.value
        }
    }

    static func createService(
        _ client: KubeClient, _ clusters: TwoClusters, ports: [ServicePort] = [ServicePort(name: "http", port: 80)],
        externalTrafficPolicy: String? = nil
    ) async throws {
        _ = try await client.create(
            Service(
                metadata: ObjectMeta(name: "web", namespace: clusters.namespace, annotations: federate),
                spec: ServiceSpec(
                    type: .nodePort, ports: ports, selector: ["app": "web"],
                    externalTrafficPolicy: externalTrafficPolicy)))
    }

    /// The pods of `web` in `remote`, one on each of `nodes`, as its EndpointSlice controller would list them.
    static func setPods(
        of remote: KubeClient, on nodes: [NodeAddressEntry], ready: Bool, _ clusters: TwoClusters
    ) async throws {
        let endpoints = nodes.enumerated().map { index, node in
            Endpoint(addresses: ["10.244.\(index).7"], conditions: EndpointConditions(ready: ready), nodeName: node.nodeName)
        }
        do {
            var slice = try await remote.get(EndpointSlice.self, name: "web-pods", namespace: clusters.namespace)
            slice.endpoints = endpoints
            _ = try await remote.update(slice)
        } catch {
            guard error.isNotFound else { throw error }
            _ = try await remote.create(
                EndpointSlice(
                    metadata: ObjectMeta(
                        name: "web-pods", namespace: clusters.namespace,
                        labels: [
                            EndpointSlice.serviceNameLabel: "web",
                            // Not the real controller's label, so a real cluster's controller leaves the slice alone.
                            "endpointslice.kubernetes.io/managed-by": "bm-e2e-test",
                        ]),
                    endpoints: endpoints, ports: [EndpointSlicePort(name: "http", port: 8080, protocol: "TCP")]))
        }
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
    static func federateInBoth(_ fleet: Fleet) async throws {
        try await createService(fleet.east, fleet.clusters)
        try await createService(fleet.west, fleet.clusters)
        try await expectEventually("the union of both clusters' ready nodes") {
            try await EndToEndTests.endpointsOf(fleet.clusters, "web").ready
                == (fleet.eastAddresses + fleet.westAddresses).sorted()
        }
    }

    @Test func everyRemoteServesItsOwnSliceSetAndTheServiceGoesWithTheLastOne() async throws {
        try await Self.withFleet { fleet in
            let clusters = fleet.clusters
            try await Self.federateInBoth(fleet)
            // The younger source may have created the Service first; the oldest (a tie: by identity) takes it over.
            try await expectEventually("the oldest source writes the Service") {
                await Self.localService(clusters)?.metadata.annotations[BarrelmanLabels.remoteClusterAnnotation]
                    == "kubeconfig/east"
            }
            let service = await Self.localService(clusters)
            #expect(service.map { BarrelmanLabels.isFederated($0.metadata) } == true)
            let westSlices = try await Self.slices(clusters, source: "west")
            #expect(!westSlices.isEmpty)
            #expect(westSlices.allSatisfy { $0.metadata.annotations[BarrelmanLabels.remoteClusterAnnotation] == "kubeconfig/west" })

            // Nobody fought over the Service on the way either: a create each (one finds the name taken), and at
            // most one takeover when the younger source's create came first.
            if let server = clusters.localServer {
                #expect(server.state.faults.writeCount(resource: "services") <= 3)
            }
            // Steady state: nobody fights over the Service or anyone's slices.
            try await Task.sleep(for: .seconds(2))
            let before = try await OwnershipEndToEndTests.fingerprint(clusters.local, [clusters.namespace])
            clusters.localServer?.state.faults.resetCounts()
            try await Task.sleep(for: .seconds(5))
            #expect(try await OwnershipEndToEndTests.fingerprint(clusters.local, [clusters.namespace]) == before)
            if let server = clusters.localServer {
                #expect(server.state.faults.writeCount() == 0, "two sources in steady state write nothing")
            }

            // East loses it: only its slices go, and west takes over the Service.
            try await fleet.east.delete(Service.self, name: "web", namespace: clusters.namespace)
            try await expectEventually("only west's nodes") {
                try await EndToEndTests.endpointsOf(clusters, "web").ready == fleet.westAddresses
            }
            try await expectEventually("west writes the Service") {
                await Self.localService(clusters)?.metadata.annotations[BarrelmanLabels.remoteClusterAnnotation]
                    == "kubeconfig/west"
            }
            #expect(try await Self.slices(clusters, source: "east").isEmpty)

            // West loses it too: the local service goes.
            try await fleet.west.delete(Service.self, name: "web", namespace: clusters.namespace)
            try await expectEventually("the local service is gone") { await Self.localService(clusters) == nil }
        }
    }

    @Test func aRemoteThatCannotBeReachedKeepsItsSlices() async throws {
        try await Self.withFleet(inProcessOnly: true) { fleet in
            let clusters = fleet.clusters
            let westServer = try #require(clusters.secondRemoteServer)
            try await Self.federateInBoth(fleet)
            let before = try await Self.slices(clusters, source: "west").map(\.metadata.uid)
            await westServer.stop()
            try await Task.sleep(for: .seconds(3))
            #expect(try await Self.slices(clusters, source: "west").map(\.metadata.uid) == before, "nothing deleted")
            #expect(await Self.localService(clusters) != nil)
        }
    }

    @Test func aConflictingPortStaysWithTheOldestAndIsReportedOnce() async throws {
        try await Self.withFleet { fleet in
            let clusters = fleet.clusters
            try await Self.createService(fleet.east, clusters)
            try await Self.createService(
                fleet.west, clusters, ports: [ServicePort(name: "http", port: 8080), ServicePort(name: "grpc", port: 9090)])
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

    /// With `externalTrafficPolicy: Local` a cluster's endpoints are the nodes running ready pods of the service,
    /// which the test says with EndpointSlices of its own: east loses its pods, not its nodes, so this runs on
    /// real clusters too.
    @Test func aLowerPriorityClusterIsReadyOnlyWhileThePreferredHasNoReadyEndpoint() async throws {
        try await Self.withFleet(eastPriority: 1, westPriority: 2) { fleet in
            let clusters = fleet.clusters
            try await Self.createService(fleet.east, clusters, externalTrafficPolicy: "Local")
            try await Self.createService(fleet.west, clusters, externalTrafficPolicy: "Local")
            try await Self.setPods(of: fleet.east, on: fleet.eastNodes, ready: true, clusters)
            try await Self.setPods(of: fleet.west, on: fleet.westNodes, ready: true, clusters)
            try await expectEventually("east serves, west stands by") {
                let endpoints = try await EndToEndTests.endpointsOf(clusters, "web")
                return endpoints.ready == fleet.eastAddresses
                    && Set(fleet.westAddresses).isSubset(of: endpoints.notReady)
            }
            #expect(try await Self.slices(clusters, source: "west").allSatisfy {
                $0.metadata.annotations[BarrelmanLabels.priorityAnnotation] == "2"
            })
            // East's pods go not ready: west takes the traffic.
            try await Self.setPods(of: fleet.east, on: fleet.eastNodes, ready: false, clusters)
            try await expectEventually("west fails over") {
                try await EndToEndTests.endpointsOf(clusters, "web").ready == fleet.westAddresses
            }
            // A pod of east is back: west stands by again.
            let back = Array(fleet.eastNodes.prefix(1))
            try await Self.setPods(of: fleet.east, on: back, ready: true, clusters)
            try await expectEventually("east serves again") {
                try await EndToEndTests.endpointsOf(clusters, "web").ready == back.map(\.address)
            }
        }
    }
}
