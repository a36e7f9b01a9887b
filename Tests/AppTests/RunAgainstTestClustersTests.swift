import Foundation
import KubeAPI
import TestAPIServer
import TestSupport
import Testing

/// The real binary between two in-process test API servers, through kubeconfig files as an operator runs it.
@Suite("barrelman against two test clusters")
struct RunAgainstTestClustersTests {
    /// A started barrelman and what a test needs to talk to it.
    struct Running {
        let process: BarrelmanProcess
        let status: StatusProbe
    }

    /// Writes kubeconfigs for both clusters, starts barrelman with `extraArguments`, waits for the status
    /// server's port in its startup log line, runs `body`, and kills the process if it is still running.
    static func withBarrelman(
        _ clusters: TestClusterPair, _ extraArguments: [String], _ body: (Running) async throws -> Void
    ) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let localPath = try clusters.localServer.writeKubeconfig(named: "local", in: directory)
        let remotePath = try clusters.remoteServer.writeKubeconfig(named: "remote", in: directory)
        let process = try BarrelmanProcess.start(
            ["-local-kubeconfig", localPath, "-remote-kubeconfig", remotePath, "-listen-address", "127.0.0.1:0"]
                + ["-resync-period", "1m"] + extraArguments, environment: clusters.nodeDialEnvironment)
        defer { process.cleanUp() }
        var port: Int?
        let started = try await eventually(timeout: .seconds(60)) {
            port = Self.statusPort(in: process.stderr)
            return port != nil || !process.isRunning
        }
        let listenPort = try #require(port, "no \"status on :PORT\" log line (started: \(started)):\n\(process.stderr)")
        let transport = HTTPTransport()
        defer { transport.shutdown() }
        try await body(Running(process: process, status: StatusProbe(port: listenPort, transport: transport)))
    }

    /// The port from the startup line `... status on :PORT ...`.
    static func statusPort(in log: String) -> Int? {
        guard let range = log.range(of: "status on :") else { return nil }
        let digits = log[range.upperBound...].prefix { $0.isNumber }
        return Int(digits)
    }

    @Test("serves health, readiness and the contract's metrics, mirrors a service, and stops on SIGTERM")
    func mirrorsAndStops() async throws {
        try await TestClusterPair.with { clusters in
            try await clusters.createRemoteService("web")
            try await Self.withBarrelman(clusters, ["-leader-elect=false"]) { barrelman in
                let healthz = try await eventuallyValue(timeout: .seconds(30)) { await barrelman.status.get("/healthz") }
                #expect(healthz?.status == 200)

                try await expectEventually("/readyz never became 200", timeout: .seconds(60)) {
                    await barrelman.status.get("/readyz")?.status == 200
                }
                try await expectEventually("the local cluster never got the mirrored service", timeout: .seconds(60)) {
                    (try? await clusters.local.get(Service.self, name: "web", namespace: clusters.namespace)) != nil
                }
                let mirror = try await clusters.local.get(Service.self, name: "web", namespace: clusters.namespace)
                #expect(
                    mirror.metadata.annotations["barrelman.tfw.io/remote-cluster"] == "kubeconfig/\(clusters.remoteServer.url)",
                    "the remote's identity: provider and API server, not a context name two users may share")

                // Names the contract keeps, once each has had a reason to be emitted.
                // The prober runs too: its probes reach the pair's loopback listeners, which answer for every node.
                let expected = [
                    "barrelman_current_nodes_count", "barrelman_service_update_total{action=\"Add\"}",
                    "barrelman_services_queued_total", "barrelman_endpoint_update_total", "barrelman_api_requests_total",
                    "barrelman_node_probes_total{result=\"success\"}",
                ]
                var metrics = ""
                let allThere = try await eventually(timeout: .seconds(60)) {
                    metrics = await barrelman.status.get("/metrics")?.body ?? ""
                    return expected.allSatisfy { metrics.contains($0) }
                }
                for name in expected {
                    #expect(metrics.contains(name), "\(name) missing from /metrics (all there: \(allThere)):\n\(metrics)")
                }
                #expect(metrics.contains("barrelman_current_nodes_count 2"), "two remote nodes:\n\(metrics)")

                barrelman.process.signal(SIGTERM)
                let exited = try await barrelman.process.waitForExit(timeout: .seconds(30))
                #expect(exited, "still running 30 s after SIGTERM:\n\(barrelman.process.stderr)")
                if exited {
                    #expect(barrelman.process.exitCode == 0, "\(barrelman.process.stderr)")
                }
            }
        }
    }

    @Test("a full run at -v 10 logs every request yet never a token")
    func verboseLogsHoldNoSecrets() async throws {
        try await TestClusterPair.with { clusters in
            try await clusters.createRemoteService("web")
            try await Self.withBarrelman(clusters, ["-leader-elect=false", "-v", "10"]) { barrelman in
                try await expectEventually("the local cluster never got the mirrored service", timeout: .seconds(60)) {
                    (try? await clusters.local.get(Service.self, name: "web", namespace: clusters.namespace)) != nil
                }
                barrelman.process.signal(SIGTERM)
                _ = try await barrelman.process.waitForExit(timeout: .seconds(30))
                let log = barrelman.process.stderr
                #expect(log.contains("GET /api/v1/"), "-v 10 traces requests, so the scan below means something")
                for (cluster, token) in [("local", clusters.localServer.adminToken), ("remote", clusters.remoteServer.adminToken)] {
                    #expect(!log.contains(token), "the \(cluster) cluster's token is in the log")
                }
                #expect(!log.contains("Bearer "), "an Authorization header is in the log")
            }
        }
    }

    @Test("a second SIGTERM during shutdown exits at once")
    func secondSignal() async throws {
        try await TestClusterPair.with { clusters in
            try await Self.withBarrelman(clusters, ["-leader-elect=false"]) { barrelman in
                barrelman.process.signal(SIGTERM)
                barrelman.process.signal(SIGTERM)
                let exited = try await barrelman.process.waitForExit(timeout: .seconds(30))
                #expect(exited, "still running after two SIGTERMs:\n\(barrelman.process.stderr)")
            }
        }
    }

    @Test("with -leader-elect=true it takes its Lease barrelman-<identity and scope hash> in -leader-elect-namespace")
    func leaderElection() async throws {
        try await TestClusterPair.with { clusters in
            try await clusters.createRemoteService("api")
            try await Self.withBarrelman(clusters, ["-leader-elect=true", "-leader-elect-namespace", "default"]) { barrelman in
                var lease: Lease?
                try await expectEventually("no Lease default/barrelman-… on the local cluster", timeout: .seconds(60)) {
                    lease = try? await clusters.local.list(Lease.self, namespace: "default").items
                        .first { $0.metadata.name.hasPrefix("barrelman-") }
                    return lease?.spec.holderIdentity?.isEmpty == false
                }
                #expect(barrelman.process.stderr.contains("lease default/\(lease?.metadata.name ?? "?")"))
                // The leader runs the controllers.
                try await expectEventually("the leader never mirrored the service", timeout: .seconds(60)) {
                    (try? await clusters.local.get(Service.self, name: "api", namespace: clusters.namespace)) != nil
                }
                barrelman.process.signal(SIGTERM)
                let exited = try await barrelman.process.waitForExit(timeout: .seconds(30))
                #expect(exited, "still running 30 s after SIGTERM:\n\(barrelman.process.stderr)")
                if exited {
                    #expect(barrelman.process.exitCode == 0, "\(barrelman.process.stderr)")
                }
            }
        }
    }
}

/// Polls `produce` until it returns a value or `timeout` passes.
func eventuallyValue<T>(timeout: Duration, _ produce: () async throws -> T?) async throws -> T? {
    var value: T?
    _ = try await eventually(timeout: timeout) {
        value = try await produce()
        return value != nil
    }
    return value
}
