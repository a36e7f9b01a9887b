import Controllers
import Foundation
import KubeAPI
import Logging
import TestAPIServer
import TestSupport
import Testing

/// barrelman among other writers: other barrelman instances in the same local cluster, and people changing
/// the labels that say what barrelman owns. Tests that can also run against two real clusters do.
@Suite(.timeLimit(.minutes(3))) struct OwnershipEndToEndTests {
    /// One barrelman instance running in the background until `stop()`.
    struct Instance {
        let running: Task<Void, Never>

        static func start(local: KubeClient, remote: KubeClient, settings: ControllerSettings) -> Instance {
            let barrelman = Barrelman(
                local: local, remote: remote,
                // Ownership is about who writes; the nodes' reachability plays no part.
                options: BarrelmanOptions(settings: settings, resyncPeriod: .milliseconds(500), reach: ReachSettings(mode: .off)),
                logger: Logger(label: "barrelman"))
            return Instance(running: Task { await barrelman.run() })
        }

        func stop() async {
            running.cancel()
            await running.value
        }
    }

    /// uid and resourceVersion of every barrelman service and slice in `namespaces`: equal before and after
    /// means nothing was written to them.
    static func fingerprint(_ client: KubeClient, _ namespaces: [String]) async throws -> [String: String] {
        var seen: [String: String] = [:]
        for namespace in namespaces {
            for service in try await client.list(Service.self, namespace: namespace).items {
                seen["svc \(namespace)/\(service.metadata.name)"] =
                    "\(service.metadata.uid ?? "") \(service.metadata.resourceVersion ?? "")"
            }
            for slice in try await client.list(
                EndpointSlice.self, namespace: namespace,
                options: ListOptions(labelSelector: BarrelmanLabels.endpointSliceSelector)
            ).items {
                seen["slice \(namespace)/\(slice.metadata.name)"] =
                    "\(slice.metadata.uid ?? "") \(slice.metadata.resourceVersion ?? "")"
            }
        }
        return seen
    }

    static func mirrored(_ clusters: TwoClusters, _ namespace: String, _ name: String) async throws -> Bool {
        let slices = try await clusters.local.list(
            EndpointSlice.self, namespace: namespace,
            options: ListOptions(labelSelector: "kubernetes.io/service-name=\(name)"))
        return !slices.items.isEmpty
    }

    @Test func twoInstancesOfOneRemoteWithDisjointNamespacesLeaveEachOtherAlone() async throws {
        try await TwoClusters.with { clusters in
            let first = clusters.namespace
            let second = try await clusters.addNamespace("b")
            for namespace in [first, second] { try await clusters.createRemoteService("web", namespace: namespace) }
            // Same remote, same identity; only the scopes differ, as with `-namespace a` and `-namespace b`.
            func settings(_ namespace: String) -> ControllerSettings {
                ControllerSettings(allowedNamespaces: [namespace], remoteClusterID: "e2e-shared-remote")
            }
            var one = Instance.start(local: clusters.local, remote: clusters.remote, settings: settings(first))
            let two = Instance.start(local: clusters.local, remote: clusters.remote, settings: settings(second))
            for namespace in [first, second] {
                try await expectEventually(timeout: .seconds(30)) { try await Self.mirrored(clusters, namespace, "web") }
            }
            try await Task.sleep(for: .seconds(2))
            let before = try await Self.fingerprint(clusters.local, [first, second])
            clusters.localServer?.state.faults.resetCounts()
            try await Task.sleep(for: .seconds(30))
            #expect(try await Self.fingerprint(clusters.local, [first, second]) == before)
            if let server = clusters.localServer { #expect(server.state.faults.writeCount() == 0) }

            await one.stop()
            one = Instance.start(local: clusters.local, remote: clusters.remote, settings: settings(first))
            try await Task.sleep(for: .seconds(3))
            #expect(try await Self.fingerprint(clusters.local, [first, second]) == before, "a restart touches nothing")
            await one.stop()
            await two.stop()
        }
    }

    @Test func twoRemotesIntoOneLocalClusterKeepTheFirstOwnerOfAClashingName() async throws {
        try await TwoClusters.with(secondRemote: true) { clusters in
            let other = try #require(clusters.secondRemote)
            for name in ["web", "only-two"] {
                _ = try await other.create(
                    Service(
                        metadata: ObjectMeta(name: name, namespace: clusters.namespace),
                        spec: ServiceSpec(type: .nodePort, ports: [ServicePort(name: "http", port: 80)])))
            }
            try await clusters.createRemoteService("web")
            let scope: Set<String> = [clusters.namespace]
            // Identities of the test's own, so other runs sharing real clusters are other owners.
            let (oneID, twoID) = ("remote-one-\(clusters.namespace)", "remote-two-\(clusters.namespace)")
            let one = Instance.start(
                local: clusters.local, remote: clusters.remote,
                settings: ControllerSettings(allowedNamespaces: scope, remoteClusterID: oneID))
            try await expectEventually { try await Self.mirrored(clusters, clusters.namespace, "web") }
            var two = Instance.start(
                local: clusters.local, remote: other,
                settings: ControllerSettings(allowedNamespaces: scope, remoteClusterID: twoID))
            try await expectEventually { try await Self.mirrored(clusters, clusters.namespace, "only-two") }
            try await expectEventually {
                try await clusters.local.list(Event.self, namespace: clusters.namespace).items
                    .contains { $0.reason == "OwnershipConflict" && $0.involvedObject.name == "web" }
            }
            let web = try await clusters.local.get(Service.self, name: "web", namespace: clusters.namespace)
            #expect(web.metadata.annotations[BarrelmanLabels.remoteClusterAnnotation] == oneID)

            try await Task.sleep(for: .seconds(2))
            let before = try await Self.fingerprint(clusters.local, [clusters.namespace])
            clusters.localServer?.state.faults.resetCounts()
            try await Task.sleep(for: .seconds(30))
            if let local = clusters.localServer {
                #expect(local.state.faults.writeCount() == 0, "two instances in steady state write nothing")
            }
            #expect(try await Self.fingerprint(clusters.local, [clusters.namespace]) == before)

            await two.stop()
            two = Instance.start(
                local: clusters.local, remote: other,
                settings: ControllerSettings(allowedNamespaces: scope, remoteClusterID: twoID))
            try await Task.sleep(for: .seconds(3))
            #expect(try await Self.fingerprint(clusters.local, [clusters.namespace]) == before, "a restart touches nothing")
            await two.stop()
            await one.stop()
        }
    }

    @Test func endpointsGoWhenTheLabelIsRemovedOrChangedAndComeBackWithIt() async throws {
        try await TwoClusters.with { clusters in
            try await clusters.createRemoteService("mirror")
            let settings = ControllerSettings(allowedNamespaces: [clusters.namespace], remoteClusterID: "e2e-labels")
            var instance = Instance.start(local: clusters.local, remote: clusters.remote, settings: settings)
            try await expectEventually(timeout: .seconds(30)) { try await Self.mirrored(clusters, clusters.namespace, "mirror") }
            _ = try await clusters.local.create(
                Service(
                    metadata: ObjectMeta(name: "person", namespace: clusters.namespace, labels: ["tfw.io/barrelman": "true"]),
                    spec: ServiceSpec(ports: [ServicePort(name: "http", port: 80, targetPort: .int(31001))])))
            try await expectEventually { try await Self.mirrored(clusters, clusters.namespace, "person") }

            func relabel(_ name: String, _ value: String?) async throws {
                var service = try await clusters.local.get(Service.self, name: name, namespace: clusters.namespace)
                service.metadata.labels["tfw.io/barrelman"] = value
                _ = try await clusters.local.update(service)
            }
            try await relabel("person", nil)
            try await expectEventually { try await !Self.mirrored(clusters, clusters.namespace, "person") }
            try await relabel("person", "true")
            try await expectEventually { try await Self.mirrored(clusters, clusters.namespace, "person") }

            // A person takes the mirror over: its endpoints go, the service stays as they left it.
            try await relabel("mirror", "mine")
            try await expectEventually { try await !Self.mirrored(clusters, clusters.namespace, "mirror") }
            let taken = try await clusters.local.get(Service.self, name: "mirror", namespace: clusters.namespace)
            try await Task.sleep(for: .seconds(2))
            let later = try await clusters.local.get(Service.self, name: "mirror", namespace: clusters.namespace)
            #expect(later.metadata.resourceVersion == taken.metadata.resourceVersion, "a service not ours is never written")

            // While barrelman is down: the label goes, and a restart still removes the endpoints.
            await instance.stop()
            try await relabel("person", nil)
            instance = Instance.start(local: clusters.local, remote: clusters.remote, settings: settings)
            try await expectEventually { try await !Self.mirrored(clusters, clusters.namespace, "person") }
            await instance.stop()
        }
    }
}

/// Remote topologies the original never met: a single-node kind cluster, `externalTrafficPolicy: Local`.
@Suite(.timeLimit(.minutes(2))) struct RemoteTopologyEndToEndTests {
    @Test func aSingleNodeKindRemoteServesThroughItsControlPlaneNode() async throws {
        try await TwoClusters.with(inProcessOnly: true) { clusters in
            for name in ["node-a", "node-b", "node-c"] { try await clusters.remote.delete(Node.self, name: name) }
            var node = try await clusters.remote.create(
                Node(
                    metadata: ObjectMeta(
                        name: "kind-control-plane",
                        labels: ["node.kubernetes.io/exclude-from-external-load-balancers": ""])))
            node.status = NodeStatus(
                addresses: [NodeAddress(type: "InternalIP", address: "172.18.0.2")],
                conditions: [NodeCondition(type: "Ready", status: "True")])
            _ = try await clusters.remote.update(node, subresource: "status")
            try await clusters.createRemoteService("web")
            try await EndToEndTests.withBarrelman(clusters) {
                try await expectEventually { try await EndToEndTests.endpointsOf(clusters, "web").ready == ["172.18.0.2"] }
                try await expectEventually {
                    try await clusters.local.list(Event.self, namespace: clusters.namespace).items
                        .contains { $0.reason == "UsingExcludedRemoteNodes" && $0.type == "Warning" }
                }
            }
        }
    }

    @Test func localTrafficPolicyFollowsThePodsAndClusterReturnsToEveryNode() async throws {
        try await TwoClusters.with(inProcessOnly: true) { clusters in
            var remote = try await clusters.createRemoteService("web", externalTrafficPolicy: "Local")
            func runPod(on node: String) async throws {
                let slice = EndpointSlice(
                    metadata: ObjectMeta(
                        name: "web-pods", namespace: clusters.namespace,
                        labels: [
                            "kubernetes.io/service-name": "web",
                            "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
                        ]),
                    endpoints: [Endpoint(addresses: ["10.244.1.7"], conditions: EndpointConditions(ready: true), nodeName: node)],
                    ports: [EndpointSlicePort(name: "http", port: 8080, protocol: "TCP")])
                do {
                    var existing = try await clusters.remote.get(EndpointSlice.self, name: "web-pods", namespace: clusters.namespace)
                    existing.endpoints = slice.endpoints
                    _ = try await clusters.remote.update(existing)
                } catch {
                    _ = try await clusters.remote.create(slice)
                }
            }
            try await runPod(on: "node-b")
            try await EndToEndTests.withBarrelman(clusters) {
                try await expectEventually { try await EndToEndTests.endpointsOf(clusters, "web").ready == ["10.0.0.2"] }
                #expect(try await EndToEndTests.endpointsOf(clusters, "web").notReady.isEmpty)
                try await runPod(on: "node-a")
                try await expectEventually { try await EndToEndTests.endpointsOf(clusters, "web").ready == ["10.0.0.1"] }

                remote = try await clusters.remote.get(Service.self, name: "web", namespace: clusters.namespace)
                remote.spec.externalTrafficPolicy = "Cluster"
                _ = try await clusters.remote.update(remote)
                try await expectEventually {
                    let endpoints = try await EndToEndTests.endpointsOf(clusters, "web")
                    return endpoints.ready == ["10.0.0.1", "10.0.0.2"] && endpoints.notReady == ["10.0.0.3"]
                }
            }
        }
    }

    @Test func remoteEndpointSlicesAreReadOnlyOnceALocalTrafficServiceNeedsThem() async throws {
        try await TwoClusters.with(inProcessOnly: true) { clusters in
            let remoteServer = try #require(clusters.remoteServer)
            try await clusters.createRemoteService("web")
            try await EndToEndTests.withBarrelman(clusters) {
                try await expectEventually { try await EndToEndTests.endpointsOf(clusters, "web").ready.count == 2 }
                let faults = remoteServer.state.faults
                #expect(faults.requestCount(verb: "list", resource: "endpointslices") == 0)
                #expect(faults.requestCount(verb: "watch", resource: "endpointslices") == 0)

                var remote = try await clusters.remote.get(Service.self, name: "web", namespace: clusters.namespace)
                remote.spec.externalTrafficPolicy = "Local"
                _ = try await clusters.remote.update(remote)
                try await expectEventually { try await EndToEndTests.endpointsOf(clusters, "web").ready.isEmpty }
                #expect(faults.requestCount(resource: "endpointslices") > 0, "a list or a streaming list (watch)")
            }
        }
    }

    @Test func nodesPerServiceGivesEachServiceItsOwnReadySubset() async throws {
        try await TwoClusters.with(inProcessOnly: true) { clusters in
            for name in ["a", "b", "c", "d"] { try await clusters.createRemoteService(name) }
            var settings = ControllerSettings(allowedNamespaces: [clusters.namespace], remoteClusterName: "remote")
            settings.nodesPerService = 1
            try await FaultTests.withBarrelman(local: clusters.local, remote: clusters.remote, settings: settings) {
                for name in ["a", "b", "c", "d"] {
                    try await expectEventually {
                        let endpoints = try await EndToEndTests.endpointsOf(clusters, name)
                        return endpoints.ready.count == 1 && endpoints.notReady.isEmpty
                    }
                }
                // node-a stops being ready: a not-ready node never holds a place while a ready one is left.
                try await clusters.setNode("node-a", ip: "10.0.0.1", ready: false)
                for name in ["a", "b", "c", "d"] {
                    try await expectEventually {
                        try await EndToEndTests.endpointsOf(clusters, name).ready == ["10.0.0.2"]
                    }
                }
            }
        }
    }
}
