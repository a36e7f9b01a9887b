import Controllers
import Foundation
import KubeAPI
import TestAPIServer
import TestSupport
import Testing

/// barrelman's controllers between two clusters: in-process test API servers, or the two real clusters of
/// BARRELMAN_E2E_REMOTE_KUBECONFIG and BARRELMAN_E2E_LOCAL_KUBECONFIG. Each scenario of the original
/// README's "What to expect" has a test here; tests that change nodes or inject faults run in-process only.
@Suite(.timeLimit(.minutes(2))) struct EndToEndTests {
    /// Runs barrelman between `clusters`, bounded to the test's namespace (so a real remote's other
    /// services are left alone), until `body` returns.
    static func withBarrelman<T>(
        _ clusters: TwoClusters, mode: EndpointsMode = .endpointSlices, resync: Duration = .seconds(60),
        reach: ReachSettings = FaultTests.patientProbes, _ body: () async throws -> T
    ) async throws -> T {
        let settings = ControllerSettings(
            allowedNamespaces: [clusters.namespace], endpointsMode: mode, remoteClusterName: "remote")
        return try await FaultTests.withBarrelman(
            local: clusters.local, remote: clusters.remote, settings: settings, resync: resync, nodes: clusters.nodes,
            reach: reach, body)
    }

    // MARK: reading the local cluster

    static func localService(_ clusters: TwoClusters, _ name: String) async -> Service? {
        try? await clusters.local.get(Service.self, name: name, namespace: clusters.namespace)
    }

    static func localSlices(_ clusters: TwoClusters, _ service: String) async throws -> [EndpointSlice] {
        try await clusters.local.list(
            EndpointSlice.self, namespace: clusters.namespace,
            options: ListOptions(labelSelector: "kubernetes.io/service-name=\(service)")
        ).items
    }

    /// The slices barrelman wrote for `service` (not those the control plane mirrors from Endpoints).
    static func barrelmanSlices(_ clusters: TwoClusters, _ service: String) async throws -> [EndpointSlice] {
        try await clusters.local.list(
            EndpointSlice.self, namespace: clusters.namespace,
            options: ListOptions(
                labelSelector: "kubernetes.io/service-name=\(service),endpointslice.kubernetes.io/managed-by=barrelman.tfw.io")
        ).items
    }

    /// (ready addresses, not-ready addresses, ports) across the service's slices, sorted.
    static func endpointsOf(_ clusters: TwoClusters, _ service: String) async throws -> (ready: [String], notReady: [String], ports: [Int32]) {
        let slices = try await localSlices(clusters, service)
        let endpoints = slices.flatMap(\.endpoints)
        let ready = endpoints.filter { $0.conditions.ready == true }.flatMap(\.addresses).sorted()
        let notReady = endpoints.filter { $0.conditions.ready != true }.flatMap(\.addresses).sorted()
        let ports = Set(slices.flatMap(\.ports).compactMap(\.port)).sorted()
        return (ready, notReady, ports)
    }

    /// What the remote cluster's nodes say the endpoints must be (works for real clusters too).
    static func expectedAddresses(_ clusters: TwoClusters) async throws -> (ready: [String], notReady: [String]) {
        let nodes = try await clusters.remote.listAll(NodeSummary.self).items
        let set = NodeAddressSet(nodes: nodes, settings: ControllerSettings())
        return (set.all.filter(\.ready).map(\.address).sorted(), set.all.filter { !$0.ready }.map(\.address).sorted())
    }

    // MARK: the original README's scenarios

    @Test func remoteNodePortServiceIsMirroredWithItsNamespaceAndEndpointsAtTheRemoteNodes() async throws {
        try await TwoClusters.with { clusters in
            let remote = try await clusters.createRemoteService("bar")
            let nodePort = try #require(remote.spec.ports.first?.nodePort)
            try await Self.withBarrelman(clusters) {
                try await expectEventually { await Self.localService(clusters, "bar") != nil }
                let local = try #require(await Self.localService(clusters, "bar"))
                #expect(local.metadata.labels["tfw.io/barrelman"] == "managed-resource")
                #expect(local.spec.type == .clusterIP)
                #expect(local.spec.selector.isEmpty)
                #expect(local.spec.ports.map(\.targetPort) == [.int(Int(nodePort))])
                #expect(local.metadata.annotations["barrelman.tfw.io/remote-uid"] == remote.metadata.uid)

                let expected = try await Self.expectedAddresses(clusters)
                try await expectEventually {
                        let endpoints = try await Self.endpointsOf(clusters, "bar")
                        return endpoints.ready == expected.ready && endpoints.ports == [nodePort]
                    }
                let endpoints = try await Self.endpointsOf(clusters, "bar")
                #expect(endpoints.notReady == expected.notReady)
            }
        }
    }

    @Test func manuallyCreatedServiceLabelledTrueGetsEndpointsThatFollowItsTargetPort() async throws {
        try await TwoClusters.with { clusters in
            try await Self.withBarrelman(clusters) {
                // barrelman creates the namespace only for mirrored services; here a person does.
                _ = try? await clusters.local.create(Namespace(metadata: ObjectMeta(name: clusters.namespace)))
                let created = try await clusters.local.create(
                    Service(
                        metadata: ObjectMeta(name: "baz", namespace: clusters.namespace, labels: ["tfw.io/barrelman": "true"]),
                        spec: ServiceSpec(ports: [ServicePort(name: "http", port: 80, targetPort: .int(31001))])))
                try await expectEventually { try await Self.endpointsOf(clusters, "baz").ports == [31001] }

                var changed = created
                changed = try await clusters.local.get(Service.self, name: "baz", namespace: clusters.namespace)
                changed.spec.ports[0].targetPort = .int(31002)
                _ = try await clusters.local.update(changed)
                try await expectEventually { try await Self.endpointsOf(clusters, "baz").ports == [31002] }
                let service = try #require(await Self.localService(clusters, "baz"))
                #expect(service.metadata.labels["tfw.io/barrelman"] == "true", "a person's service stays theirs")
            }
        }
    }

    @Test func remoteNodePortChangeUpdatesTheTargetPortAndTheEndpoints() async throws {
        try await TwoClusters.with { clusters in
            try await clusters.createRemoteService("bar")
            try await Self.withBarrelman(clusters) {
                try await expectEventually { await Self.localService(clusters, "bar") != nil }
                var remote = try await clusters.remote.get(Service.self, name: "bar", namespace: clusters.namespace)
                let newPort: Int32 = (remote.spec.ports[0].nodePort ?? 30000) == 32111 ? 32112 : 32111
                remote.spec.ports[0].nodePort = newPort
                _ = try await clusters.remote.update(remote)
                try await expectEventually {
                        await Self.localService(clusters, "bar")?.spec.ports.first?.targetPort == .int(Int(newPort))
                    }
                try await expectEventually { try await Self.endpointsOf(clusters, "bar").ports == [newPort] }
            }
        }
    }

    @Test func routineMirroringRecordsNoEventsButAPortChangeRecordsOne() async throws {
        try await TwoClusters.with { clusters in
            try await clusters.createRemoteService("quiet")
            try await clusters.createRemoteService("moved")
            try await Self.withBarrelman(clusters) {
                // What the remote's nodes say, which is no endpoints at all on a remote without nodes.
                let expected = try await Self.expectedAddresses(clusters)
                for name in ["quiet", "moved"] {
                    try await expectEventually {
                        guard try await !Self.localSlices(clusters, name).isEmpty else { return false }
                        return try await Self.endpointsOf(clusters, name).ready == expected.ready
                    }
                }
                func barrelmanEvents() async throws -> [Event] {
                    try await clusters.local.list(Event.self, namespace: clusters.namespace).items
                        .filter { $0.source.component == "barrelman" }
                }
                // Only Normal Events count: on shared real clusters another barrelman may warn about these names.
                #expect(try await barrelmanEvents().filter { $0.type == Event.normal }.isEmpty, "creating mirrors and endpoints is routine: no Event")
                var remote = try await clusters.remote.get(Service.self, name: "moved", namespace: clusters.namespace)
                remote.spec.ports[0].port = 81
                _ = try await clusters.remote.update(remote)
                try await expectEventually("the changed mirror has one PortsChanged Event") {
                    let events = try await barrelmanEvents()
                    return events.filter { $0.type == Event.normal }.map { "\($0.involvedObject.name ?? "")/\($0.reason ?? "")" }
                        == ["moved/PortsChanged"]
                }
            }
        }
    }

    @Test func remoteDeletionDeletesTheMirrorAndItsEndpoints() async throws {
        try await TwoClusters.with { clusters in
            try await clusters.createRemoteService("bar")
            try await Self.withBarrelman(clusters) {
                try await expectEventually { try await !Self.localSlices(clusters, "bar").isEmpty }
                try await clusters.remote.delete(Service.self, name: "bar", namespace: clusters.namespace)
                try await expectEventually { await Self.localService(clusters, "bar") == nil }
                try await expectEventually { try await Self.localSlices(clusters, "bar").isEmpty }
                let namespace = try await clusters.local.get(Namespace.self, name: clusters.namespace)
                #expect(namespace.metadata.deletionTimestamp == nil, "namespaces are never deleted")
            }
        }
    }

    @Test func ignoredClusterIPAndForeignServicesAreLeftAlone() async throws {
        try await TwoClusters.with { clusters in
            try await clusters.createRemoteService("ignored", annotations: ["tfw.io/barrelman": "ignore"])
            try await clusters.createRemoteService("internal", type: .clusterIP)
            try await clusters.createRemoteService("taken")
            try await clusters.createRemoteService("marker")
            _ = try await clusters.local.create(Namespace(metadata: ObjectMeta(name: clusters.namespace)))
            let foreign = try await clusters.local.create(
                Service(
                    metadata: ObjectMeta(name: "taken", namespace: clusters.namespace),
                    spec: ServiceSpec(ports: [ServicePort(name: "web", port: 8080)])))
            try await Self.withBarrelman(clusters) {
                // Once the last one is mirrored, the others have been decided too.
                try await expectEventually { await Self.localService(clusters, "marker") != nil }
                #expect(await Self.localService(clusters, "ignored") == nil)
                #expect(await Self.localService(clusters, "internal") == nil)
                let taken = try #require(await Self.localService(clusters, "taken"))
                #expect(taken.metadata.resourceVersion == foreign.metadata.resourceVersion, "never touched")
            }
        }
    }

    @Test func servicesOrphanedWhileBarrelmanWasDownAreDeletedAtStartup() async throws {
        try await TwoClusters.with { clusters in
            try await clusters.createRemoteService("bar")
            try await clusters.createRemoteService("kept")
            try await Self.withBarrelman(clusters) {
                try await expectEventually { await Self.localService(clusters, "bar") != nil }
                try await expectEventually { await Self.localService(clusters, "kept") != nil }
            }
            // barrelman is down while the remote service goes away.
            try await clusters.remote.delete(Service.self, name: "bar", namespace: clusters.namespace)
            try await Self.withBarrelman(clusters) {
                try await expectEventually { await Self.localService(clusters, "bar") == nil }
                #expect(await Self.localService(clusters, "kept") != nil)
            }
        }
    }

    @Test func handEditedMirrorIsRestored() async throws {
        try await TwoClusters.with { clusters in
            let remote = try await clusters.createRemoteService("bar")
            let nodePort = try #require(remote.spec.ports.first?.nodePort)
            try await Self.withBarrelman(clusters) {
                try await expectEventually { await Self.localService(clusters, "bar") != nil }
                var edited = try #require(await Self.localService(clusters, "bar"))
                edited.spec.ports[0].targetPort = .int(12345)
                _ = try await clusters.local.update(edited)
                try await expectEventually {
                        await Self.localService(clusters, "bar")?.spec.ports.first?.targetPort == .int(Int(nodePort))
                    }
            }
        }
    }

    /// Each mode removes what the previous one wrote. In `endpoints` mode the Endpoints carry no `skip-mirror`
    /// label (kube-proxy reads EndpointSlices only, so the control plane's mirror of them is what makes them
    /// work); slices managed by `endpointslicemirroring-controller.k8s.io` are the control plane's, not
    /// barrelman's, and this test asks only about barrelman's own.
    @Test func switchingEndpointsModeCleansUpWhatTheOldModeWrote() async throws {
        try await TwoClusters.with { clusters in
            try await clusters.createRemoteService("bar")
            try await Self.withBarrelman(clusters, mode: .endpointSlices) {
                try await expectEventually { try await !Self.barrelmanSlices(clusters, "bar").isEmpty }
            }
            try await Self.withBarrelman(clusters, mode: .endpoints) {
                try await expectEventually("barrelman's Endpoints are written") {
                    (try? await clusters.local.get(Endpoints.self, name: "bar", namespace: clusters.namespace)) != nil
                }
                try await expectEventually("barrelman's own slices are gone") {
                    try await Self.barrelmanSlices(clusters, "bar").isEmpty
                }
                let endpoints = try await clusters.local.get(Endpoints.self, name: "bar", namespace: clusters.namespace)
                #expect(
                    endpoints.metadata.labels["endpointslice.kubernetes.io/skip-mirror"] == nil,
                    "the control plane mirrors them into the slices kube-proxy reads")
            }
            try await Self.withBarrelman(clusters, mode: .endpointSlices) {
                try await expectEventually { try await !Self.barrelmanSlices(clusters, "bar").isEmpty }
                try await expectEventually {
                    let endpoints = try? await clusters.local.get(Endpoints.self, name: "bar", namespace: clusters.namespace)
                    return endpoints == nil || endpoints?.metadata.labels["tfw.io/barrelman"] == nil
                }
            }
        }
    }
}

/// Behaviour that needs control over the remote nodes or the servers themselves: in-process only.
@Suite(.timeLimit(.minutes(2))) struct EndToEndInProcessTests {
    @Test func nodeChangesReachEveryServiceWithOneWritePerChangedService() async throws {
        try await TwoClusters.with(inProcessOnly: true) { clusters in
            let local = try #require(clusters.localServer)
            for name in ["a", "b", "c"] { try await clusters.createRemoteService(name) }
            try await EndToEndTests.withBarrelman(clusters) {
                for name in ["a", "b", "c"] {
                    try await expectEventually { try await EndToEndTests.endpointsOf(clusters, name).ready == ["10.0.0.1", "10.0.0.2"] }
                }
                local.state.faults.resetCounts()
                try await clusters.setNode("node-b", ip: "10.0.0.12", ready: true)
                for name in ["a", "b", "c"] {
                    try await expectEventually { try await EndToEndTests.endpointsOf(clusters, name).ready == ["10.0.0.1", "10.0.0.12"] }
                }
                try await Task.sleep(for: .milliseconds(300))
                #expect(local.state.faults.writeCount(resource: "endpointslices") == 3, "one slice write per service")
            }
        }
    }

    @Test func withSubsetsANodeAddressChangeReconcilesOnlyTheServicesUsingThatNode() async throws {
        try await TwoClusters.with(inProcessOnly: true) { clusters in
            let local = try #require(clusters.localServer)
            let names = (0..<12).map { "s\($0)" }
            for name in names { try await clusters.createRemoteService(name) }
            var settings = ControllerSettings(allowedNamespaces: [clusters.namespace], remoteClusterName: "remote")
            settings.nodesPerService = 1
            try await FaultTests.withBarrelman(local: clusters.local, remote: clusters.remote, settings: settings) {
                for name in names {
                    try await expectEventually { try await EndToEndTests.endpointsOf(clusters, name).ready.count == 1 }
                }
                var usingB: [String] = []
                for name in names where try await EndToEndTests.endpointsOf(clusters, name).ready == ["10.0.0.2"] {
                    usingB.append(name)
                }
                #expect(!usingB.isEmpty && usingB.count < names.count, "the 12 services spread over both nodes")
                local.state.faults.resetCounts()
                try await clusters.setNode("node-b", ip: "10.0.0.12", ready: true)
                for name in usingB {
                    try await expectEventually { try await EndToEndTests.endpointsOf(clusters, name).ready == ["10.0.0.12"] }
                }
                try await Task.sleep(for: .milliseconds(300))
                #expect(local.state.faults.writeCount(resource: "endpointslices") == usingB.count, "one write per service using node-b")
                for name in names where !usingB.contains(name) {
                    #expect(try await EndToEndTests.endpointsOf(clusters, name).ready == ["10.0.0.1"])
                }
            }
        }
    }

    @Test func steadyStateMakesNoWritesResyncIncluded() async throws {
        try await TwoClusters.with(inProcessOnly: true) { clusters in
            let local = try #require(clusters.localServer)
            for name in ["a", "b"] { try await clusters.createRemoteService(name) }
            try await EndToEndTests.withBarrelman(clusters, resync: .milliseconds(300)) {
                // Converged: every service and slice is what the remote says (a fixed wait was too short on a
                // loaded machine).
                try await FaultTests.expectConverged(clusters)
                local.state.faults.resetCounts()
                try await Task.sleep(for: .seconds(1.5))  // five resync periods
                let writes = ["services", "endpointslices", "endpoints", "events", "namespaces"].map {
                    "\($0)=\(local.state.faults.writeCount(resource: $0))"
                }
                // The Events say what a write in the window was about, should there be one.
                let events = try await clusters.local.list(Event.self, namespace: clusters.namespace).items
                    .map { "\($0.reason ?? ""): \($0.message ?? "")" }
                #expect(local.state.faults.writeCount() == 0, "\(writes), events: \(events)")
            }
        }
    }

    @Test func noReadyRemoteNodeLeavesNodesAsNotReadyAndWarns() async throws {
        try await TwoClusters.with(inProcessOnly: true) { clusters in
            try await clusters.setNode("node-a", ip: "10.0.0.1", ready: false)
            try await clusters.setNode("node-b", ip: "10.0.0.2", ready: false)
            try await clusters.createRemoteService("bar")
            try await EndToEndTests.withBarrelman(clusters) {
                try await expectEventually {
                        let endpoints = try await EndToEndTests.endpointsOf(clusters, "bar")
                        return endpoints.ready.isEmpty && endpoints.notReady == ["10.0.0.1", "10.0.0.2", "10.0.0.3"]
                    }
                try await expectEventually {
                        try await clusters.local.list(Event.self, namespace: clusters.namespace).items
                            .contains { $0.reason == "NoReadyRemoteNodes" && $0.type == "Warning" }
                    }
            }
        }
    }

    @Test func remoteOutageDeletesNothingAndConvergesWhenTheRemoteReturns() async throws {
        try await TwoClusters.with(inProcessOnly: true) { clusters in
            let remoteServer = try #require(clusters.remoteServer)
            let local = try #require(clusters.localServer)
            try await clusters.createRemoteService("bar")
            try await EndToEndTests.withBarrelman(clusters) {
                try await expectEventually { try await !EndToEndTests.localSlices(clusters, "bar").isEmpty }
                let before = try await EndToEndTests.endpointsOf(clusters, "bar")
                local.state.faults.resetCounts()

                await remoteServer.stop()
                try await Task.sleep(for: .seconds(2))
                #expect(local.state.faults.writeCount() == 0, "nothing written while the remote is away")
                #expect(await EndToEndTests.localService(clusters, "bar") != nil)
                #expect(try await EndToEndTests.endpointsOf(clusters, "bar").ready == before.ready)

                // Changed while away: the remote returns with a new node address.
                try await remoteServer.resume()
                try await clusters.setNode("node-a", ip: "10.0.0.11", ready: true)
                try await expectEventually { try await EndToEndTests.endpointsOf(clusters, "bar").ready == ["10.0.0.11", "10.0.0.2"] }
            }
        }
    }
}
