import Controllers
import KubeAPI
import Providers
import TestAPIServer

/// barrelman's controllers from the cluster a provider resolves to a fresh in-process local cluster, as the
/// `barrelman` binary wires them: what the provider end-to-end tests run their changes against.
struct BarrelmanThroughProvider {
    let local: KubeClient
    let localServer: TestAPIServer
    let running: Task<Void, Never>

    static func start(_ provider: any RemoteClusterProvider, transport: HTTPTransport) async throws -> BarrelmanThroughProvider {
        let remoteConfig = try await provider.resolve()
        let remote = KubeClient(config: remoteConfig, transport: transport)
        let localServer = try await TestAPIServer.start()
        let local = KubeClient(config: localServer.adminConfig(), transport: transport)
        var settings = ControllerSettings()
        settings.remoteClusterName = remoteConfig.displayName
        settings.remoteClusterID = provider.clusterIdentity(for: remoteConfig)
        let barrelman = Barrelman(
            local: local, remote: remote, options: BarrelmanOptions(settings: settings, resyncPeriod: .seconds(60)))
        return BarrelmanThroughProvider(local: local, localServer: localServer, running: Task { await barrelman.run() })
    }

    /// Cancels the controllers and waits for them to stop.
    func stop() async {
        running.cancel()
        await running.value
    }
}
