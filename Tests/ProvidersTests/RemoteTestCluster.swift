import KubeAPI
import TestAPIServer

/// A TestAPIServer playing a cloud provider's cluster, with namespace `remote-ns`, and a transport: started
/// for `body`, stopped after it even when it throws.
func withRemoteTestCluster(_ body: (TestAPIServer, HTTPTransport) async throws -> Void) async throws {
    let server = try await TestAPIServer.start()
    let transport = HTTPTransport()
    do {
        _ = try await KubeClient(config: server.adminConfig(), transport: transport)
            .create(Namespace(metadata: ObjectMeta(name: "remote-ns")))
        try await body(server, transport)
    } catch {
        await server.stop()
        transport.shutdown()
        throw error
    }
    await server.stop()
    transport.shutdown()
}
