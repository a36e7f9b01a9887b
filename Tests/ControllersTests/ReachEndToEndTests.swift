import Controllers
import Foundation
import KubeAPI
import TestAPIServer
import TestSupport
import Testing

/// Endpoints follow the nodes that answer, not only what the remote API says. The remote nodes are the real or
/// in-process cluster's ready nodes; how each answers is decided by the test's loopback fleet, so nothing here
/// dials a node address. On a real remote with fewer than two ready nodes (where one failing node is every
/// node), the tests run in-process.
@Suite(.timeLimit(.minutes(2))) struct ReachEndToEndTests {
    /// The remote's ready nodes that endpoints use, each added to the fleet (answering).
    static func servingNodes(_ clusters: TwoClusters) async throws -> [NodeAddressEntry] {
        let nodes = try await clusters.remote.listAll(NodeSummary.self).items
        let selection = EndpointNodeSelection(candidates: NodeAddressSet(nodes: nodes, settings: ControllerSettings()))
        let serving = selection.nodes.ipv4.filter(\.ready)
        for node in serving { try await clusters.nodes.fleet.add(name: node.nodeName, address: node.address) }
        return serving
    }

    /// Runs `body` on clusters whose remote has at least two serving nodes.
    static func withTwoServingNodes(_ body: (TwoClusters, [NodeAddressEntry]) async throws -> Void) async throws {
        let ranReal = try await TwoClusters.with { clusters -> Bool in
            let nodes = try await servingNodes(clusters)
            guard nodes.count >= 2 else { return false }
            try await body(clusters, nodes)
            return true
        }
        if !ranReal {
            try await TwoClusters.with(inProcessOnly: true) { clusters in
                try await body(clusters, try await servingNodes(clusters))
            }
        }
    }

    static func readyAddresses(_ clusters: TwoClusters, _ service: String) async throws -> [String] {
        try await EndToEndTests.endpointsOf(clusters, service).ready
    }

    /// Prints how long a transition took: the targets (within 5 s) are measured here and in the demo, not asserted.
    static func took(_ what: String, since start: ContinuousClock.Instant) {
        print("reach: \(what) after \(ContinuousClock.now - start)")
    }

    @Test(arguments: [LoopbackNodeFleet.Behaviour.refusing, .hanging])
    func aNodeThatStopsAnsweringLeavesTheReadyEndpointsWhileTheAPISaysReadyAndComesBack(
        _ failure: LoopbackNodeFleet.Behaviour
    ) async throws {
        try await Self.withTwoServingNodes { clusters, nodes in
            try await clusters.createRemoteService("web")
            let all = nodes.map(\.address).sorted()
            try await EndToEndTests.withBarrelman(clusters, reach: ReachSettings()) {
                try await expectEventually { try await Self.readyAddresses(clusters, "web") == all }
                let failing = nodes[0]
                clusters.nodes.fleet.set(failing.address, failure)
                let start = ContinuousClock.now
                try await expectEventually("the \(failure) node is not ready, the others stay") {
                    let endpoints = try await EndToEndTests.endpointsOf(clusters, "web")
                    return endpoints.ready == all.filter { $0 != failing.address }
                        && endpoints.notReady.contains(failing.address)
                }
                Self.took("\(failure) node \(failing.nodeName) not ready", since: start)
                let node = try await clusters.remote.get(NodeSummary.self, name: failing.nodeName)
                #expect(node.isReady, "the remote API still says Ready")
                try await expectEventually("one Event for the node, none per service") {
                    try await clusters.local.list(Event.self, namespace: "default").items.contains {
                        $0.involvedObject.kind == "Node" && $0.involvedObject.name == failing.nodeName
                            && $0.reason == "RemoteNodeUnreachable" && $0.type == Event.warning
                    }
                }
                #expect(
                    try await clusters.local.list(Event.self, namespace: clusters.namespace).items
                        .filter { $0.reason?.hasPrefix("RemoteNode") == true }.isEmpty)

                clusters.nodes.fleet.set(failing.address, .answering)
                let back = ContinuousClock.now
                try await expectEventually("it is ready again once it answers") {
                    try await Self.readyAddresses(clusters, "web") == all
                }
                Self.took("node \(failing.nodeName) ready again", since: back)
            }
        }
    }

    @Test func whenEveryNodeFailsItsProbesAllStayReadyWithOneWarning() async throws {
        try await TwoClusters.with { clusters in
            let nodes = try await Self.servingNodes(clusters)
            try #require(!nodes.isEmpty, "the remote needs a ready node")
            try await clusters.createRemoteService("web")
            let all = nodes.map(\.address).sorted()
            try await EndToEndTests.withBarrelman(clusters, reach: ReachSettings()) {
                try await expectEventually { try await Self.readyAddresses(clusters, "web") == all }
                for node in nodes { clusters.nodes.fleet.set(node.address, .refusing) }
                func failOpenWarnings() async throws -> [Event] {
                    try await clusters.local.list(Event.self, namespace: clusters.namespace).items.filter {
                        $0.involvedObject.name == "web" && $0.reason == "RemoteNodesFailingProbes"
                    }
                }
                try await expectEventually("the mirror says it fails open") { try await failOpenWarnings().count == 1 }
                #expect(try await Self.readyAddresses(clusters, "web") == all, "fail open: every node stays ready")
                try await Task.sleep(for: .seconds(2))
                #expect(try await failOpenWarnings().count == 1, "one Warning, not one per probe")
                #expect(try await Self.readyAddresses(clusters, "web") == all)
            }
        }
    }

    @Test func behindAFirewallThatBlocksTheHealthPortAutoProbesNodePortsAndStillSeesADeadNode() async throws {
        try await Self.withTwoServingNodes { clusters, nodes in
            for node in nodes { clusters.nodes.fleet.setRefused(node.address, port: 10256, true) }
            try await clusters.createRemoteService("web")
            let all = nodes.map(\.address).sorted()
            try await EndToEndTests.withBarrelman(clusters, reach: ReachSettings()) {
                try await expectEventually { try await Self.readyAddresses(clusters, "web") == all }
                // Two silent rounds on the health port, then node ports by TCP.
                try await Task.sleep(for: .seconds(3))
                #expect(try await Self.readyAddresses(clusters, "web") == all, "a closed health port takes no node out")
                clusters.nodes.fleet.set(nodes[0].address, .refusing)
                try await expectEventually("the dead node leaves although its health port never answered") {
                    try await Self.readyAddresses(clusters, "web") == all.filter { $0 != nodes[0].address }
                }
            }
        }
    }

    @Test func aLocalServiceFollowsItsHealthCheckNodePort() async throws {
        try await Self.withTwoServingNodes { clusters, nodes in
            // A class no cloud controller owns: a real cluster allocates the ports but provisions no load balancer.
            let remote = try await clusters.createRemoteService(
                "lb", type: .loadBalancer, externalTrafficPolicy: "Local", loadBalancerClass: "barrelman.tfw.io/e2e-none")
            let healthCheckNodePort = try #require(remote.spec.healthCheckNodePort, "kube-apiserver allocates it")
            // Pods of the service on the first two nodes, as the remote's EndpointSlice controller would say.
            _ = try await clusters.remote.create(
                EndpointSlice(
                    metadata: ObjectMeta(
                        name: "lb-pods", namespace: clusters.namespace,
                        labels: [
                            "kubernetes.io/service-name": "lb",
                            // Not the real controller's label, so a real cluster's controller leaves the slice alone.
                            "endpointslice.kubernetes.io/managed-by": "bm-e2e-test",
                        ]),
                    endpoints: nodes.prefix(2).enumerated().map { index, node in
                        Endpoint(
                            addresses: ["10.244.\(index).7"], conditions: EndpointConditions(ready: true),
                            nodeName: node.nodeName)
                    },
                    ports: [EndpointSlicePort(name: "http", port: 8080, protocol: "TCP")]))
            let hosting = nodes.prefix(2).map(\.address).sorted()
            try await EndToEndTests.withBarrelman(clusters, reach: ReachSettings()) {
                try await expectEventually { try await Self.readyAddresses(clusters, "lb") == hosting }
                // kube-proxy on the first node says it holds no endpoint of the service; the node itself is fine.
                clusters.nodes.fleet.setUnhealthy(nodes[0].address, port: Int(healthCheckNodePort), true)
                try await expectEventually("only the node whose health check fails leaves") {
                    try await Self.readyAddresses(clusters, "lb") == [nodes[1].address]
                }
                clusters.nodes.fleet.setUnhealthy(nodes[0].address, port: Int(healthCheckNodePort), false)
                try await expectEventually { try await Self.readyAddresses(clusters, "lb") == hosting }
            }
        }
    }

    @Test func withSubsetsOnlyTheSubsetNodesAreProbed() async throws {
        try await Self.withTwoServingNodes { clusters, nodes in
            try await clusters.createRemoteService("web")
            var settings = FaultTests.settings(clusters)
            settings.nodesPerService = 1
            try await FaultTests.withBarrelman(
                local: clusters.local, remote: clusters.remote, settings: settings, nodes: clusters.nodes,
                reach: ReachSettings()
            ) {
                try await expectEventually { try await Self.readyAddresses(clusters, "web").count == 1 }
                let chosen = try await Self.readyAddresses(clusters, "web")
                // A few probe rounds (one a second).
                try await Task.sleep(for: .seconds(3))
                for node in nodes {
                    let probes = clusters.nodes.fleet.connections(to: node.address)
                    if chosen.contains(node.address) {
                        #expect(probes > 0, "\(node.nodeName) is in the subset and probed")
                    } else {
                        #expect(probes == 0, "\(node.nodeName) is in no subset and never probed")
                    }
                }
            }
        }
    }
}
