import Foundation
import KubeAPI
import TestAPIServer
import TestSupport
import Testing

/// `barrelman -remote-config FILE` with leader election: the replica keeps a heartbeat Lease, leads its share
/// of the remotes (all of them, alone), and says which in /readyz and /metrics.
@Suite("a sharded remote-config replica", .timeLimit(.minutes(3)))
struct ShardedRemoteConfigRunTests {
    @Test func aReplicaAloneLeadsEveryRemoteAndShowsThemInReadyzAndMetrics() async throws {
        try await TestClusterPair.with { clusters in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            _ = try await clusters.local.create(Namespace(metadata: ObjectMeta(name: clusters.namespace)))
            let localPath = try clusters.localServer.writeKubeconfig(named: "local", in: directory)
            let remotePath = try clusters.remoteServer.writeKubeconfig(named: "remote", in: directory)
            let file = directory.url.appendingPathComponent("remotes.yaml")
            // Two identities over one remote server: two remotes, two Leases.
            try RemoteConfigRunTests.remoteConfig([("east", remotePath), ("west", remotePath)])
                .write(to: file, atomically: true, encoding: .utf8)

            let process = try BarrelmanProcess.start(
                [
                    "-local-kubeconfig", localPath, "-remote-config", file.path, "-leader-elect=true",
                    "-leader-elect-namespace", clusters.namespace, "-listen-address", "127.0.0.1:0",
                    "-node-health-check", "off",
                ])
            defer { process.cleanUp() }
            var port: Int?
            _ = try await eventually(timeout: .seconds(60)) {
                port = RunAgainstTestClustersTests.statusPort(in: process.stderr)
                return port != nil || !process.isRunning
            }
            let transport = HTTPTransport()
            defer { transport.shutdown() }
            let status = StatusProbe(port: try #require(port, "no status port:\n\(process.stderr)"), transport: transport)

            var readyz = ""
            let leads = try await eventually(timeout: .seconds(60)) {
                readyz = await status.get("/readyz")?.body ?? ""
                return readyz.contains("leading 2 of 2 remotes (share 2 over 1 replicas): east, west")
            }
            #expect(leads, "/readyz: \(readyz)\n\(process.stderr)")
            let metrics = await status.get("/metrics")?.body ?? ""
            for line in [
                "barrelman_leading_remotes 2", "barrelman_leading_remote{remote=\"east\"} 1",
                "barrelman_leading_remote{remote=\"west\"} 1",
            ] {
                #expect(metrics.contains(line), "\(line) not in /metrics")
            }
            let heartbeats = try await clusters.local.listAll(
                Lease.self, namespace: clusters.namespace, options: ListOptions(labelSelector: "barrelman.tfw.io/replica-heartbeat"))
            #expect(heartbeats.items.count == 1)
            let holders = try await clusters.local.listAll(Lease.self, namespace: clusters.namespace).items
                .compactMap(\.spec.holderIdentity)
            #expect(holders.count == 3 && Set(holders).count == 1, "one identity in both remotes' Leases and the heartbeat: \(holders)")
        }
    }
}
