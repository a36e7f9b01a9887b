import Controllers
import Foundation
import KubeAPI
import Providers
import TestAPIServer
import TestSupport
import Testing

/// barrelman's controllers with the remote cluster reached through the eks provider: web identity -> STS ->
/// DescribeCluster -> presigned-URL tokens the cluster verifies through STS, expiring while the watches run.
@Suite struct EKSControllersTests {
    @Test func controllersMirrorThroughTheEKSProviderAcrossTokenExpiry() async throws {
        // The cluster accepts a token for 3 s: the run below outlives several of them.
        try await EKSHarness.with(tokenLifetime: .seconds(3)) { harness in
            let role = EKSHarness.roleARN("barrelman-irsa")
            harness.aws.mapPrincipal(role)
            harness.aws.sts.acceptWebIdentity(token: "irsa-token", roleARN: role)
            let tokenFile = try harness.aws.writeFile("irsa-token", "irsa-token")
            let admin = KubeClient(config: harness.server.adminConfig(), transport: harness.transport)
            var node = try await admin.create(Node(metadata: ObjectMeta(name: "eks-node")))
            node.status = NodeStatus(
                addresses: [NodeAddress(type: "InternalIP", address: "10.0.12.7")],
                conditions: [NodeCondition(type: "Ready", status: "True")])
            _ = try await admin.update(node, subresource: "status")
            var service = try await admin.create(
                Service(
                    metadata: ObjectMeta(name: "web", namespace: "remote-ns"),
                    spec: ServiceSpec(type: .nodePort, ports: [ServicePort(name: "http", port: 80)])))

            let provider = try harness.provider(
                variables: ["AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": role])
            let barrelman = try await BarrelmanThroughProvider.start(provider, transport: harness.transport)
            defer { barrelman.running.cancel() }
            let local = barrelman.local

            let mirrored = try await eventually {
                let slices = try await local.list(EndpointSlice.self, namespace: "remote-ns").items
                return slices.flatMap(\.endpoints).flatMap(\.addresses) == ["10.0.12.7"]
            }
            #expect(mirrored)
            let mirror = try await local.get(Service.self, name: "web", namespace: "remote-ns")
            #expect(mirror.metadata.annotations["barrelman.tfw.io/remote-cluster"] == "eks_eu-west-1_remote")

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
            #expect(harness.aws.acceptedTokens >= 2, "the token was replaced while barrelman ran")

            await barrelman.stop()
            await barrelman.localServer.stop()
        }
    }
}
