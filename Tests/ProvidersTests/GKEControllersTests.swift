import Foundation
import TestSupport
import Testing

/// barrelman's controllers with the remote cluster reached through the gke provider: key -> JWT ->
/// token endpoint -> Container API -> the cluster, with tokens that expire while the watches run.
@Suite struct GKEControllersTests {
    @Test func controllersMirrorThroughTheGKEProviderAcrossTokenExpiry() async throws {
        try await GKEHarness.with { harness in
            // Tokens live 3 s: the run outlives several of them.
            harness.google.tokenEndpoint.setExpiresIn(3)
            try await BarrelmanThroughProvider.mirrorAcrossCredentialExpiry(
                provider: try harness.provider(), remoteServer: harness.server, transport: harness.transport,
                nodeAddress: "10.128.0.7", identity: "gke/test-project/europe-west1-c/remote", outliving: .seconds(4))
            #expect(harness.google.ledger.issuedCount >= 2, "the token was refreshed while barrelman ran")
        }
    }
}
