import Foundation
import KubeAPI
import Synchronization
import TestAPIServer

/// A remote and a local cluster for one end-to-end test: two in-process test API servers, or — when both
/// `BARRELMAN_E2E_REMOTE_KUBECONFIG` and `BARRELMAN_E2E_LOCAL_KUBECONFIG` are set — those two real clusters.
///
/// The test works in one namespace of its own: created in the remote cluster here, created in the local
/// cluster by barrelman (as it does for every mirrored namespace), and deleted in both at the end.
public final class TwoClusters: Sendable {
    public let remote: KubeClient
    public let local: KubeClient
    public let remoteServer: TestAPIServer?
    public let localServer: TestAPIServer?
    public let namespace: String
    /// Where the in-process barrelman's node probes go (loopback listeners standing in for the remote nodes).
    public let nodes: TestNodeNetwork
    let transport: HTTPTransport
    /// Further namespaces the test made (`addNamespace`), deleted with the first.
    private let extraNamespaces = Mutex<[String]>([])

    init(
        remote: KubeClient, local: KubeClient, remoteServer: TestAPIServer?, localServer: TestAPIServer?,
        namespace: String, transport: HTTPTransport, nodes: TestNodeNetwork
    ) {
        self.nodes = nodes
        self.remote = remote
        self.local = local
        self.remoteServer = remoteServer
        self.localServer = localServer
        self.namespace = namespace
        self.transport = transport
    }

    public static var realClustersConfigured: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment["BARRELMAN_E2E_REMOTE_KUBECONFIG"].map { !$0.isEmpty } == true
            && environment["BARRELMAN_E2E_LOCAL_KUBECONFIG"].map { !$0.isEmpty } == true
    }

    public var isReal: Bool { remoteServer == nil }

    /// Runs `body` with two clusters; `inProcessOnly` for tests that inject faults or change nodes.
    @discardableResult
    public static func with<T>(
        inProcessOnly: Bool = false, _ body: (TwoClusters) async throws -> T
    ) async throws -> T {
        let clusters = try await start(real: realClustersConfigured && !inProcessOnly)
        do {
            let result = try await body(clusters)
            await clusters.cleanUp()
            return result
        } catch {
            await clusters.cleanUp()
            throw error
        }
    }

    static func start(real: Bool) async throws -> TwoClusters {
        let transport = HTTPTransport()
        let nodes = try await TestNodeNetwork.start()
        let namespace = TestCluster.uniqueName("bm-e2e")
        let clusters: TwoClusters
        if real {
            let environment = ProcessInfo.processInfo.environment
            let remoteConfig = try KubeconfigLoader.load(path: environment["BARRELMAN_E2E_REMOTE_KUBECONFIG"], context: nil)
            let localConfig = try KubeconfigLoader.load(path: environment["BARRELMAN_E2E_LOCAL_KUBECONFIG"], context: nil)
            clusters = TwoClusters(
                remote: KubeClient(config: remoteConfig, transport: transport),
                local: KubeClient(config: localConfig, transport: transport), remoteServer: nil, localServer: nil,
                namespace: namespace, transport: transport, nodes: nodes)
        } else {
            let remoteServer = try await TestAPIServer.start()
            var localOptions = TestAPIServer.Options()
            localOptions.store.serviceCIDR = "10.112.0.0/16"
            let localServer = try await TestAPIServer.start(options: localOptions)
            clusters = TwoClusters(
                remote: KubeClient(config: remoteServer.adminConfig(), transport: transport),
                local: KubeClient(config: localServer.adminConfig(), transport: transport), remoteServer: remoteServer,
                localServer: localServer, namespace: namespace, transport: transport, nodes: nodes)
            try await clusters.seedNodes()
        }
        _ = try await clusters.remote.create(Namespace(metadata: ObjectMeta(name: namespace)))
        return clusters
    }

    func cleanUp() async {
        if isReal {
            for name in [namespace] + extraNamespaces.withLock({ $0 }) {
                try? await remote.delete(Namespace.self, name: name)
                try? await local.delete(Namespace.self, name: name)
            }
        } else {
            await remoteServer?.stop()
            await localServer?.stop()
        }
        await nodes.stop()
        transport.shutdown()
    }

    /// Another namespace of the test's own in the remote cluster (`<namespace>-<suffix>`), deleted at the end in both.
    public func addNamespace(_ suffix: String) async throws -> String {
        let name = "\(namespace)-\(suffix)"
        extraNamespaces.withLock { $0.append(name) }
        _ = try await remote.create(Namespace(metadata: ObjectMeta(name: name)))
        return name
    }

    // MARK: remote nodes (in-process only; a real cluster's nodes are what they are)

    /// Three nodes: two ready, one not.
    func seedNodes() async throws {
        try await setNode("node-a", ip: "10.0.0.1", ready: true)
        try await setNode("node-b", ip: "10.0.0.2", ready: true)
        try await setNode("node-c", ip: "10.0.0.3", ready: false)
    }

    /// Creates or changes a remote node's InternalIP and readiness.
    public func setNode(_ name: String, ip: String, ready: Bool, unschedulable: Bool = false) async throws {
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
