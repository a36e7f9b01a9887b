import Controllers
import Foundation
import KubeAPI
import Providers
import TestAPIServer
import TestSupport
import Testing

/// barrelman's controllers with the remote cluster reached through the gke provider: key -> JWT ->
/// token endpoint -> Container API -> the cluster, with tokens that expire while the watches run.
@Suite struct GKEControllersTests {
    @Test func controllersMirrorThroughTheGKEProviderAcrossTokenExpiry() async throws {
        try await GKEHarness.with { harness in
            // Tokens live 3 s: the run below outlives several of them.
            harness.google.tokenEndpoint.setExpiresIn(3)
            let admin = KubeClient(config: harness.server.adminConfig(), transport: harness.transport)
            var node = try await admin.create(Node(metadata: ObjectMeta(name: "gke-node")))
            node.status = NodeStatus(
                addresses: [NodeAddress(type: "InternalIP", address: "10.128.0.7")],
                conditions: [NodeCondition(type: "Ready", status: "True")])
            _ = try await admin.update(node, subresource: "status")
            var service = try await admin.create(
                Service(
                    metadata: ObjectMeta(name: "web", namespace: "remote-ns"),
                    spec: ServiceSpec(type: .nodePort, ports: [ServicePort(name: "http", port: 80)])))

            let provider = try harness.provider()
            let barrelman = try await BarrelmanThroughProvider.start(provider, transport: harness.transport)
            defer { barrelman.running.cancel() }
            let local = barrelman.local

            let mirrored = try await eventually {
                let slices = try await local.list(EndpointSlice.self, namespace: "remote-ns").items
                return slices.flatMap(\.endpoints).flatMap(\.addresses) == ["10.128.0.7"]
            }
            #expect(mirrored)
            let mirror = try await local.get(Service.self, name: "web", namespace: "remote-ns")
            #expect(mirror.metadata.annotations["barrelman.tfw.io/remote-cluster"] == "gke/test-project/europe-west1-c/remote")

            // Outlive the first token and cut the watches: reconnecting needs a fresh token (the server
            // authenticates at connection start, so open watches would not notice the expiry).
            try await Task.sleep(for: .seconds(4))
            harness.server.state.abortAllWatches()
            service = try await admin.get(Service.self, name: "web", namespace: "remote-ns")
            service.spec.ports[0].nodePort = 31999
            _ = try await admin.update(service)
            let followed = try await eventually {
                let local = try? await local.get(Service.self, name: "web", namespace: "remote-ns")
                return local?.spec.ports.first?.targetPort == .int(31999)
            }
            #expect(followed)
            #expect(harness.google.ledger.issuedCount >= 2, "the token was refreshed while barrelman ran")

            await barrelman.stop()
            await barrelman.localServer.stop()
        }
    }
}
