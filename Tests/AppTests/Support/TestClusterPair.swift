import Foundation
import KubeAPI
import TestAPIServer
import TestSupport

/// A remote and a local in-process API server for running the binary against, and loopback listeners
/// answering for the remote's nodes.
///
/// Unlike `TwoClusters`, bookmarks are effectively off: the test API server can deadlock when a client drops a
/// watch at the instant an event is yielded to it (reported), and stopping barrelman drops every watch at once.
final class TestClusterPair: Sendable {
    let remoteServer: TestAPIServer
    let localServer: TestAPIServer
    let remote: KubeClient
    let local: KubeClient
    let namespace: String
    /// Answers the binary's node probes for every node, on loopback.
    let nodes: LoopbackNodeFleet
    private let transport: HTTPTransport

    private init(remoteServer: TestAPIServer, localServer: TestAPIServer, nodes: LoopbackNodeFleet, namespace: String) {
        self.remoteServer = remoteServer
        self.localServer = localServer
        self.nodes = nodes
        self.namespace = namespace
        transport = HTTPTransport()
        remote = KubeClient(config: remoteServer.adminConfig(), transport: transport)
        local = KubeClient(config: localServer.adminConfig(), transport: transport)
    }

    /// Runs `body` with two fresh servers: the remote has nodes node-a and node-b (ready) and an empty namespace.
    static func with(_ body: (TestClusterPair) async throws -> Void) async throws {
        var options = TestAPIServer.Options()
        options.store.bookmarkInterval = .seconds(3600)
        let remoteServer = try await TestAPIServer.start(options: options)
        options.store.serviceCIDR = "10.112.0.0/16"
        let localServer: TestAPIServer
        let nodes: LoopbackNodeFleet
        do {
            localServer = try await TestAPIServer.start(options: options)
        } catch {
            await remoteServer.stop()
            throw error
        }
        do {
            nodes = try await LoopbackNodeFleet.start(answerUnknownAddresses: true)
        } catch {
            await remoteServer.stop()
            await localServer.stop()
            throw error
        }
        let pair = TestClusterPair(
            remoteServer: remoteServer, localServer: localServer, nodes: nodes, namespace: TestCluster.uniqueName("bm-app"))
        do {
            try await pair.seed()
            try await body(pair)
        } catch {
            await pair.stop()
            throw error
        }
        await pair.stop()
    }

    private func stop() async {
        await remoteServer.stop()
        await localServer.stop()
        await nodes.stop()
        transport.shutdown()
    }

    /// For the binary: its node probes (and node-port checks) go to `nodes` on loopback, so the real prober
    /// runs against this pair's nodes without dialing their (fake) addresses.
    var nodeDialEnvironment: [String: String] {
        ["BARRELMAN_TEST_NODE_DIAL": "*:*=127.0.0.1:\(nodes.unknownAddressPort)"]
    }

    private func seed() async throws {
        _ = try await remote.create(Namespace(metadata: ObjectMeta(name: namespace)))
        for (name, ip) in [("node-a", "10.0.0.1"), ("node-b", "10.0.0.2")] {
            var node = try await remote.create(Node(metadata: ObjectMeta(name: name)))
            node.status = NodeStatus(
                addresses: [NodeAddress(type: "InternalIP", address: ip)],
                conditions: [NodeCondition(type: "Ready", status: "True")])
            _ = try await remote.update(node, subresource: "status")
        }
    }

    /// A NodePort service in the test namespace of the remote cluster.
    func createRemoteService(_ name: String) async throws {
        _ = try await remote.create(
            Service(
                metadata: ObjectMeta(name: name, namespace: namespace),
                spec: ServiceSpec(
                    type: .nodePort, ports: [ServicePort(name: "http", port: 80, targetPort: .int(8080))],
                    selector: ["app": name])))
    }
}
