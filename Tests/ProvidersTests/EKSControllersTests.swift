import Foundation
import TestSupport
import Testing

/// barrelman's controllers with the remote cluster reached through the eks provider: web identity -> STS ->
/// DescribeCluster -> presigned-URL tokens the cluster verifies through STS, expiring while the watches run.
@Suite struct EKSControllersTests {
    @Test func controllersMirrorThroughTheEKSProviderAcrossTokenExpiry() async throws {
        // The cluster accepts a token for 3 s: the run outlives several of them.
        try await EKSHarness.with(tokenLifetime: .seconds(3)) { harness in
            let role = EKSHarness.roleARN("barrelman-irsa")
            harness.aws.mapPrincipal(role)
            harness.aws.sts.acceptWebIdentity(token: "irsa-token", roleARN: role)
            let tokenFile = try harness.aws.writeFile("irsa-token", "irsa-token")
            try await BarrelmanThroughProvider.mirrorAcrossCredentialExpiry(
                provider: try harness.provider(variables: ["AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": role]),
                remoteServer: harness.server, transport: harness.transport, nodeAddress: "10.0.12.7",
                identity: "eks/\(harness.server.url)", outliving: .seconds(4))
            #expect(harness.aws.acceptedTokens >= 2, "the token was replaced while barrelman ran")
        }
    }
}
