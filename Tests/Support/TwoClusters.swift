import Foundation
import KubeAPI
import Synchronization
import TestAPIServer

/// A remote and a local cluster for one end-to-end test: two in-process test API servers, or — when both
/// `BARRELMAN_E2E_REMOTE_KUBECONFIG` and `BARRELMAN_E2E_LOCAL_KUBECONFIG` are set — those two real clusters.
/// Many-remote tests ask for a second remote (`secondRemote: true`): a third in-process server whose nodes have
/// addresses of their own, or the real cluster of `BARRELMAN_E2E_REMOTE2_KUBECONFIG`; without that variable,
/// such a test runs in-process even when the other two are real.
///
/// The test works in one namespace of its own: created in the remote clusters here, created in the local
/// cluster by barrelman (as it does for every mirrored namespace), and deleted in all of them at the end.
public final class TwoClusters: Sendable {
    public let remote: KubeClient
    public let local: KubeClient
    public let remoteServer: TestAPIServer?
    public let localServer: TestAPIServer?
    /// The second remote, when the test asked for one; `secondRemoteServer` when it is in-process.
    public let secondRemote: KubeClient?
    public let secondRemoteServer: TestAPIServer?
    public let namespace: String
    /// Where the in-process barrelman's node probes go (loopback listeners standing in for the remote nodes).
    public let nodes: TestNodeNetwork
    let transport: HTTPTransport
    /// Further namespaces the test made (`addNamespace`), deleted with the first.
    private let extraNamespaces = Mutex<[String]>([])

    init(
        remote: KubeClient, local: KubeClient, remoteServer: TestAPIServer?, localServer: TestAPIServer?,
        secondRemote: KubeClient? = nil, secondRemoteServer: TestAPIServer? = nil,
        namespace: String, transport: HTTPTransport, nodes: TestNodeNetwork
    ) {
        self.nodes = nodes
        self.remote = remote
        self.local = local
        self.remoteServer = remoteServer
        self.localServer = localServer
        self.secondRemote = secondRemote
        self.secondRemoteServer = secondRemoteServer
        self.namespace = namespace
        self.transport = transport
    }

    static func configured(_ variable: String) -> Bool {
        ProcessInfo.processInfo.environment[variable].map { !$0.isEmpty } == true
    }

    public static var realClustersConfigured: Bool {
        configured("BARRELMAN_E2E_REMOTE_KUBECONFIG") && configured("BARRELMAN_E2E_LOCAL_KUBECONFIG")
    }

    /// A real second remote besides the real two.
    public static var realSecondRemoteConfigured: Bool {
        realClustersConfigured && configured("BARRELMAN_E2E_REMOTE2_KUBECONFIG")
    }

    public var isReal: Bool { remoteServer == nil }

    /// Runs `body` with two clusters (three with `secondRemote`); `inProcessOnly` for tests that inject faults
    /// or change nodes.
    @discardableResult
    public static func with<T>(
        inProcessOnly: Bool = false, secondRemote: Bool = false, _ body: (TwoClusters) async throws -> T
    ) async throws -> T {
        var real = realClustersConfigured && !inProcessOnly
        if real && secondRemote && !realSecondRemoteConfigured {
            print("TwoClusters: BARRELMAN_E2E_REMOTE2_KUBECONFIG is not set: this many-remote test runs in-process")
            real = false
        }
        let clusters = try await start(real: real, secondRemote: secondRemote)
        do {
            let result = try await body(clusters)
            await clusters.cleanUp()
            return result
        } catch {
            await clusters.cleanUp()
            throw error
        }
    }

    static func start(real: Bool, secondRemote: Bool) async throws -> TwoClusters {
        let transport = HTTPTransport()
        let nodes = try await TestNodeNetwork.start()
        let namespace = TestCluster.uniqueName("bm-e2e")
        let clusters: TwoClusters
        if real {
            func client(_ variable: String) throws -> KubeClient {
                let path = ProcessInfo.processInfo.environment[variable]
                return KubeClient(config: try KubeconfigLoader.load(path: path, context: nil), transport: transport)
            }
            clusters = TwoClusters(
                remote: try client("BARRELMAN_E2E_REMOTE_KUBECONFIG"), local: try client("BARRELMAN_E2E_LOCAL_KUBECONFIG"),
                remoteServer: nil, localServer: nil,
                secondRemote: secondRemote ? try client("BARRELMAN_E2E_REMOTE2_KUBECONFIG") : nil,
                namespace: namespace, transport: transport, nodes: nodes)
        } else {
            let remoteServer = try await TestAPIServer.start()
            var localOptions = TestAPIServer.Options()
            localOptions.store.serviceCIDR = "10.112.0.0/16"
            let localServer = try await TestAPIServer.start(options: localOptions)
            let secondServer = secondRemote ? try await TestAPIServer.start() : nil
            clusters = TwoClusters(
                remote: KubeClient(config: remoteServer.adminConfig(), transport: transport),
                local: KubeClient(config: localServer.adminConfig(), transport: transport), remoteServer: remoteServer,
                localServer: localServer,
                secondRemote: secondServer.map { KubeClient(config: $0.adminConfig(), transport: transport) },
                secondRemoteServer: secondServer, namespace: namespace, transport: transport, nodes: nodes)
            try await clusters.seedNodes(in: clusters.remote, addressPrefix: "10.0.0")
            if let second = clusters.secondRemote { try await clusters.seedNodes(in: second, addressPrefix: "10.0.1") }
        }
        for remote in clusters.remotes {
            _ = try await remote.create(Namespace(metadata: ObjectMeta(name: namespace)))
        }
        return clusters
    }

    /// The remote clusters: the first, and the second when there is one.
    public var remotes: [KubeClient] { [remote] + (secondRemote.map { [$0] } ?? []) }

    func cleanUp() async {
        if isReal {
            for name in [namespace] + extraNamespaces.withLock({ $0 }) {
                for remote in remotes { try? await remote.delete(Namespace.self, name: name) }
                try? await local.delete(Namespace.self, name: name)
            }
        } else {
            await remoteServer?.stop()
            await secondRemoteServer?.stop()
            await localServer?.stop()
        }
        await nodes.stop()
        transport.shutdown()
    }

    /// Another namespace of the test's own in the remote clusters (`<namespace>-<suffix>`), deleted at the end in
    /// all of them.
    public func addNamespace(_ suffix: String) async throws -> String {
        let name = "\(namespace)-\(suffix)"
        extraNamespaces.withLock { $0.append(name) }
        for remote in remotes { _ = try await remote.create(Namespace(metadata: ObjectMeta(name: name))) }
        return name
    }

    // MARK: remote nodes (in-process only; a real cluster's nodes are what they are)

    /// Three nodes at `<addressPrefix>.1` to `.3`: two ready, one not (as `test-apiserver --seed-nodes` does).
    func seedNodes(in cluster: KubeClient, addressPrefix: String) async throws {
        try await setNode("node-a", ip: "\(addressPrefix).1", ready: true, in: cluster)
        try await setNode("node-b", ip: "\(addressPrefix).2", ready: true, in: cluster)
        try await setNode("node-c", ip: "\(addressPrefix).3", ready: false, in: cluster)
    }

    /// Creates or changes a node's InternalIP and readiness in a remote (the first unless `in` says otherwise).
    public func setNode(
        _ name: String, ip: String, ready: Bool, unschedulable: Bool = false, in cluster: KubeClient? = nil
    ) async throws {
        let remote = cluster ?? self.remote
        var node: Node
        do {
            node = try await remote.get(Node.self, name: name)
        } catch {
            guard error.isNotFound else { throw error }
            node = try await remote.create(
                Node(metadata: ObjectMeta(name: name, labels: ["topology.kubernetes.io/zone": "zone-\(name)"])))
        }
        if node.spec.unschedulable != unschedulable {
            node.spec.unschedulable = unschedulable
            node = try await remote.update(node)
        }
        node.status = NodeStatus(
            addresses: [NodeAddress(type: "InternalIP", address: ip), NodeAddress(type: "Hostname", address: name)],
            conditions: [NodeCondition(type: "Ready", status: ready ? "True" : "False")])
        _ = try await remote.update(node, subresource: "status")
    }

    // MARK: remote services

    @discardableResult
    public func createRemoteService(
        _ name: String, type: ServiceType = .nodePort, ports: [ServicePort] = [ServicePort(name: "http", port: 80, targetPort: .int(8080))],
        annotations: [String: String] = [:], namespace: String? = nil, externalTrafficPolicy: String? = nil,
        loadBalancerClass: String? = nil
    ) async throws -> Service {
        try await remote.create(
            Service(
                metadata: ObjectMeta(name: name, namespace: namespace ?? self.namespace, annotations: annotations),
                spec: ServiceSpec(
                    type: type, ports: ports, selector: ["app": name], externalTrafficPolicy: externalTrafficPolicy,
                    loadBalancerClass: loadBalancerClass)))
    }
}
