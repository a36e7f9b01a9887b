import Foundation
import KubeAPI
import TestAPIServer
import TestSupport
import Testing

/// The real binary with `-remote-provider eks` against the AWS fakes: it finds the cluster with a signed
/// DescribeCluster and reaches it with the tokens it makes, which the remote test cluster verifies through STS.
@Suite("barrelman through the eks provider")
struct RunThroughEKSProviderTests {
    @Test("-remote-provider eks mirrors a remote service with tokens the binary signs itself")
    func mirrorsThroughEKS() async throws {
        try await TestClusterPair.with { clusters in
            try await AWSCloudFake.with { aws in
                try await clusters.createRemoteService("web")
                aws.addCluster(name: "remote", server: clusters.remoteServer)
                aws.trustEKSTokens(on: clusters.remoteServer, clusterName: "remote")
                let keyID = "AKIAEXAMPLEAPPTEST01"
                let secret = "app/test+secret/EXAMPLEKEY"
                aws.mapPrincipal(aws.ledger.addUser(name: "barrelman", accessKeyID: keyID, secret: secret))
                let directory = try TemporaryDirectory()
                defer { directory.remove() }
                let localPath = try clusters.localServer.writeKubeconfig(named: "local", in: directory)
                let process = try BarrelmanProcess.start(
                    [
                        "-local-kubeconfig", localPath, "-remote-provider", "eks", "-eks-cluster-name", "remote",
                        "-eks-region", AWSCloudFake.region, "-eks-api-endpoint", aws.eksAPIURL,
                        "-sts-endpoint=\(aws.stsURL)", "-listen-address", "127.0.0.1:0", "-leader-elect=false",
                        "-resync-period", "1m",
                    ],
                    environment: aws.environmentVariables(["AWS_ACCESS_KEY_ID": keyID, "AWS_SECRET_ACCESS_KEY": secret])
                        .merging(clusters.nodeDialEnvironment) { $1 })
                defer { process.cleanUp() }

                try await expectEventually("the local cluster never got the mirrored service", timeout: .seconds(60)) {
                    (try? await clusters.local.get(Service.self, name: "web", namespace: clusters.namespace)) != nil
                        || !process.isRunning
                }
                let mirror = try await clusters.local.get(Service.self, name: "web", namespace: clusters.namespace)
                #expect(mirror.metadata.annotations["barrelman.tfw.io/remote-cluster"] == "eks/\(clusters.remoteServer.url)")
                #expect(aws.acceptedTokens >= 1)
                #expect(process.stderr.contains("via eks (eks_eu-west-1_remote, identity eks/"), "\(process.stderr)")
                #expect(!process.stderr.contains("k8s-aws-v1."))
                #expect(!process.stderr.contains(secret))
            }
        }
    }
}
