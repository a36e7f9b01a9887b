import Foundation
import KubeAPI
import TestAPIServer

/// A cluster for one test: an in-process `TestAPIServer`, or — when the environment variable named by
/// `realClusterVariable` points at a kubeconfig — that real cluster.
///
/// Either way the test works in a namespace of its own, created here and deleted by `withTestCluster`,
/// so runs against a shared real cluster neither see nor leave anything of other runs.
public final class TestCluster: Sendable {
    public let client: KubeClient
    /// The in-process server, for fault injection and state inspection; nil on a real cluster.
    public let server: TestAPIServer?
    public let namespace: String
    public let transport: HTTPTransport

    init(client: KubeClient, server: TestAPIServer?, namespace: String, transport: HTTPTransport) {
        self.client = client
        self.server = server
        self.namespace = namespace
        self.transport = transport
    }

    public var isReal: Bool { server == nil }

    /// A name unique to this run, valid as a namespace and service name.
    public static func uniqueName(_ prefix: String) -> String {
        let suffix = UUID().uuidString.lowercased().prefix(8)
        return "\(prefix)-\(suffix)"
    }

    /// Starts a cluster, creates the test's namespace, runs `body`, and cleans up even when `body` throws.
    @discardableResult
    /// `realClusterVariable` nil keeps the test in-process (for fault injection and server-side setup).
    public static func with<T>(
        realClusterVariable: String? = "BARRELMAN_E2E_LOCAL_KUBECONFIG",
        serverOptions: TestAPIServer.Options = TestAPIServer.Options(),
        clientOptions: KubeClientOptions = KubeClientOptions(),
        _ body: (TestCluster) async throws -> T
    ) async throws -> T {
        TestNodeNetwork.installDialGuard()
        let cluster = try await start(
            realClusterVariable: realClusterVariable, serverOptions: serverOptions, clientOptions: clientOptions)
        do {
            let result = try await body(cluster)
            await cluster.cleanUp()
            return result
        } catch {
            await cluster.cleanUp()
            throw error
        }
    }

    static func start(
        realClusterVariable: String?, serverOptions: TestAPIServer.Options, clientOptions: KubeClientOptions
    ) async throws -> TestCluster {
        let transport = HTTPTransport()
        let namespace = uniqueName("bm-test")
        let cluster: TestCluster
        if let realClusterVariable, let kubeconfig = ProcessInfo.processInfo.environment[realClusterVariable],
            !kubeconfig.isEmpty
        {
            let config = try KubeconfigLoader.load(path: kubeconfig, context: nil)
            let client = KubeClient(config: config, options: clientOptions, transport: transport)
            cluster = TestCluster(client: client, server: nil, namespace: namespace, transport: transport)
        } else {
            let server = try await TestAPIServer.start(options: serverOptions)
            let client = KubeClient(config: server.adminConfig(), options: clientOptions, transport: transport)
            cluster = TestCluster(client: client, server: server, namespace: namespace, transport: transport)
        }
        _ = try await cluster.client.create(Namespace(metadata: ObjectMeta(name: namespace)))
        return cluster
    }

    /// Deletes the test's namespace (a real cluster removes its contents) and stops the in-process server.
    public func cleanUp() async {
        if let server {
            await server.stop()
        } else {
            try? await client.delete(Namespace.self, name: namespace)
        }
        transport.shutdown()
    }
}

extension TestAPIServer {
    /// A client configuration with the server's admin token and CA.
    public func adminConfig() -> ClusterConfig {
        config(token: adminToken)
    }

    /// A client configuration with `token` and the server's CA.
    public func config(token: String?) -> ClusterConfig {
        config(credentials: token.map { StaticCredentials.token($0) } ?? StaticCredentials(.none))
    }

    public func config(credentials: any CredentialSource, tls: TLSSettings? = nil) -> ClusterConfig {
        ClusterConfig(
            server: url, tls: tls ?? TLSSettings(caPEM: certificateAuthorityPEM), credentials: credentials,
            proxyURL: nil, defaultNamespace: "default", displayName: "test-apiserver")
    }
}

/// Polls `condition` until it holds or `timeout` passes. For eventual consistency, not for timing.
public func eventually(
    timeout: Duration = .seconds(10), interval: Duration = .milliseconds(20),
    _ condition: () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: interval)
    }
    return try await condition()
}
