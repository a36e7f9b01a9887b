import Controllers
import Foundation
import KubeAPI
import Providers
import TestAPIServer
import TestSupport
import Testing

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
            local: local, remote: remote,
            options: BarrelmanOptions(settings: settings, resyncPeriod: .seconds(60), reach: ReachSettings(mode: .off)))
        return BarrelmanThroughProvider(local: local, localServer: localServer, running: Task { await barrelman.run() })
    }

    /// Cancels the controllers and waits for them to stop.
    func stop() async {
        running.cancel()
        await running.value
    }

    /// The scenario of the cloud providers' controller tests: a ready node and a NodePort service in
    /// `remote-ns` of `remoteServer`, barrelman started through `provider`; the mirror must appear, annotated
    /// with the remote's `identity`. Then it outlives the first credential (`outliving`), cuts the watches (the server
    /// authenticates at connection start, so open watches would not notice an expiry) and changes the node
    /// port: reconnecting needs a fresh credential, and the mirror must follow.
    static func mirrorAcrossCredentialExpiry(
        provider: any RemoteClusterProvider, remoteServer: TestAPIServer, transport: HTTPTransport, nodeAddress: String,
        identity: String, outliving: Duration
    ) async throws {
        let admin = KubeClient(config: remoteServer.adminConfig(), transport: transport)
        var node = try await admin.create(Node(metadata: ObjectMeta(name: "remote-node")))
        node.status = NodeStatus(
            addresses: [NodeAddress(type: "InternalIP", address: nodeAddress)],
            conditions: [NodeCondition(type: "Ready", status: "True")])
        _ = try await admin.update(node, subresource: "status")
        var service = try await admin.create(
            Service(
                metadata: ObjectMeta(name: "web", namespace: "remote-ns"),
                spec: ServiceSpec(type: .nodePort, ports: [ServicePort(name: "http", port: 80)])))

        let barrelman = try await start(provider, transport: transport)
        defer { barrelman.running.cancel() }
        let local = barrelman.local
        let mirrored = try await eventually {
            let slices = try await local.list(EndpointSlice.self, namespace: "remote-ns").items
            return slices.flatMap(\.endpoints).flatMap(\.addresses) == [nodeAddress]
        }
        #expect(mirrored)
        let mirror = try await local.get(Service.self, name: "web", namespace: "remote-ns")
        #expect(mirror.metadata.annotations["barrelman.tfw.io/remote-cluster"] == identity)

        try await Task.sleep(for: outliving)
        remoteServer.state.abortAllWatches()
        service = try await admin.get(Service.self, name: "web", namespace: "remote-ns")
        service.spec.ports[0].nodePort = 31999
        _ = try await admin.update(service)
        let followed = try await eventually {
            let local = try? await local.get(Service.self, name: "web", namespace: "remote-ns")
            return local?.spec.ports.first?.targetPort == .int(31999)
        }
        #expect(followed)

        await barrelman.stop()
        await barrelman.localServer.stop()
    }
}
