import KubeAPI
import TestAPIServer
import TestSupport
import Synchronization
import Testing

/// The real socket dialer and probe client against loopback listeners that answer, refuse, hang or fail.
@Suite(.timeLimit(.minutes(1))) struct NodeProbeTests {
    /// A fleet node at a fake address, and a dialer routing it to the fleet.
    static func withNode(
        timeout: Duration = .milliseconds(300), _ body: (LoopbackNodeFleet, NodeProbeClient) async throws -> Void
    ) async throws {
        let network = try await TestNodeNetwork.start()
        try await network.fleet.add(name: "node-a", address: "10.0.0.1")
        let client = NodeProbeClient(dialer: network, timeout: timeout)
        try await body(network.fleet, client)
        client.shutdown()
        await network.stop()
    }

    @Test func anAnsweringNodePassesOverHTTPAndTCP() async throws {
        try await Self.withNode { _, client in
            let http = await client.httpGet(address: "10.0.0.1", port: 10256, path: "/healthz")
            #expect(http == .answered(status: 200))
            #expect(http.passed)
            let tcp = await client.tcpConnect(address: "10.0.0.1", port: 30080)
            #expect(tcp == .answered(status: 0))
            #expect(tcp.passed)
        }
    }

    @Test func refusingHangingAndUnhealthyNodesFailEachTheirWay() async throws {
        try await Self.withNode { fleet, client in
            fleet.setUnhealthy("10.0.0.1", port: 31000, true)
            let unhealthy = await client.httpGet(address: "10.0.0.1", port: 31000, path: "/healthz")
            #expect(unhealthy == .answered(status: 503))
            #expect(!unhealthy.passed && unhealthy.gotAnswer)

            fleet.set("10.0.0.1", .refusing)
            #expect(await client.httpGet(address: "10.0.0.1", port: 10256, path: "/healthz") == .refused)
            #expect(await client.tcpConnect(address: "10.0.0.1", port: 30080) == .refused)

            fleet.set("10.0.0.1", .hanging)
            let start = ContinuousClock.now
            #expect(await client.httpGet(address: "10.0.0.1", port: 10256, path: "/healthz") == .timedOut)
            #expect(ContinuousClock.now - start < .seconds(5), "the probe timeout bounds a hung node")
        }
    }

    @Test func theFirewalledHealthPortRefusesWhileNodePortsAnswer() async throws {
        try await Self.withNode { fleet, client in
            fleet.setRefused("10.0.0.1", port: 10256, true)
            #expect(await client.httpGet(address: "10.0.0.1", port: 10256, path: "/healthz") == .refused)
            #expect(await client.tcpConnect(address: "10.0.0.1", port: 30080) == .answered(status: 0))
        }
    }

    @Test func httpProbesOfANodeReuseItsKeptAliveConnectionAndTCPProbesAlwaysConnectAnew() async throws {
        try await Self.withNode { fleet, client in
            for _ in 0..<5 {
                #expect(await client.httpGet(address: "10.0.0.1", port: 10256, path: "/healthz") == .answered(status: 200))
            }
            #expect(fleet.connections(to: "10.0.0.1") == 1, "five probes, one kept-alive connection")
            for _ in 0..<3 { #expect(await client.tcpConnect(address: "10.0.0.1", port: 30080) == .answered(status: 0)) }
            // The listener may accept a connection the probe already closed a moment later.
            try await expectEventually { fleet.connections(to: "10.0.0.1") == 4 }
        }
    }

    @Test func aBatchComesBackInItsOrderWithEachProbesOwnOutcome() async throws {
        try await Self.withNode { fleet, _ in
            let client = NodeProbeClient(dialer: RefusingOne(address: "10.9.9.9", fleet: fleet), timeout: .milliseconds(300))
            defer { client.shutdown() }
            try await fleet.add(name: "node-b", address: "10.0.0.2")
            fleet.set("10.0.0.2", .refusing)
            let probes = (0..<40).map { index in
                NodeProbe(address: index % 2 == 0 ? "10.0.0.1" : "10.0.0.2", port: 10256, kind: .http(path: "/healthz"))
            } + [NodeProbe(address: "10.9.9.9", port: 10256, kind: .tcp)]
            let results = await client.probe(probes)
            #expect(results.count == probes.count)
            for (index, result) in results.prefix(40).enumerated() {
                #expect(result.outcome == (index % 2 == 0 ? .answered(status: 200) : .refused))
            }
            #expect(results.last?.outcome == .refused, "an address the dialer does not route is refused, never dialed")
        }
    }

    @Test func aCancelledRoundEndsAtOnceAlsoWhenTheCancellationComesBeforeItsProbes() async throws {
        // A timeout far beyond the test's sleep: on a loaded machine the cancellation must still come first.
        try await Self.withNode(timeout: .seconds(60)) { fleet, client in
            fleet.set("10.0.0.1", .hanging)
            let probes = [NodeProbe(address: "10.0.0.1", port: 10256, kind: .http(path: "/healthz"))]
            // Cancelled before it hands its probes over (a prober stopped between rounds).
            let early = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return await client.probe(probes)
            }
            #expect(await early.value.map(\.outcome) == [.failed("cancelled")])
            // Cancelled while its probe hangs.
            let late = Task { await client.probe(probes) }
            try await Task.sleep(for: .milliseconds(50))
            late.cancel()
            #expect(await late.value.map(\.outcome) == [.failed("cancelled")])
        }
    }

    @Test func aSmallConcurrencyLimitStillRunsTheWholeBatch() async throws {
        let network = try await TestNodeNetwork.start()
        try await network.fleet.add(name: "node-a", address: "10.0.0.1")
        let client = NodeProbeClient(dialer: network, timeout: .milliseconds(300), maxConcurrent: 2)
        let results = await client.probe(
            Array(repeating: NodeProbe(address: "10.0.0.1", port: 10256, kind: .http(path: "/healthz")), count: 25))
        #expect(results.map(\.outcome) == Array(repeating: .answered(status: 200), count: 25))
        #expect(network.fleet.connections(to: "10.0.0.1") <= 2, "never more than two at once")
        client.shutdown()
        await network.stop()
    }

    @Test func theDialGuardRefusesAndReportsADirectDialOffTheMachine() {
        // The guard is installed by test support; its report would fail this test, so install a recorder here.
        let reports = ReportBox()
        NodeDialGuard.install { reports.add($0) }
        defer { TestNodeNetwork.installDialGuard() }
        #expect(DirectNodeDialer().route(address: "10.0.0.1", port: 10256) == .refuse)
        #expect(DirectNodeDialer().route(address: "127.0.0.1", port: 10256) == .connect(host: "127.0.0.1", port: 10256))
        #expect(DirectNodeDialer().route(address: "::1", port: 10256) == .connect(host: "::1", port: 10256))
        #expect(reports.all.count == 1)
        #expect(reports.all.first?.contains("10.0.0.1:10256") == true)
    }

    @Test(arguments: [
        ("127.0.0.1", true), ("127.255.0.9", true), ("::1", true), ("10.0.0.1", false), ("128.0.0.1", false),
        ("::2", false), ("::ffff:127.0.0.1", false), ("localhost", false), ("", false),
    ])
    func loopbackIsOnly127Slash8AndColonColonOne(address: String, loopback: Bool) {
        #expect(LoopbackAddress.contains(address) == loopback)
    }

    @Test func dialRulesMapNodesToLoopbackAndRefuseTheRest() throws {
        let rules = try NodeDialRules(parsing: "10.0.0.1:10256=refuse, 10.0.0.1:*=127.0.0.1:4000,*:*=[::1]:4001")
        #expect(rules.route(address: "10.0.0.1", port: 10256) == .refuse)
        #expect(rules.route(address: "10.0.0.1", port: 30080) == .connect(host: "127.0.0.1", port: 4000))
        #expect(rules.route(address: "10.0.0.2", port: 30080) == .connect(host: "::1", port: 4001))
        #expect(try NodeDialRules(parsing: "10.0.0.1:1=127.0.0.1:2").route(address: "10.0.0.2", port: 1) == .refuse)
    }

    @Test(arguments: ["*:*=10.0.0.9:80", "*:*", "*:*=127.0.0.1:0", "*:x=refuse", "=refuse"])
    func dialRulesRejectTargetsOffTheMachineAndMalformedRules(text: String) {
        #expect(throws: NodeDialRulesError.self) { try NodeDialRules(parsing: text) }
    }
}

/// Routes through the fleet, but refuses one address as a dialer's rule would.
private struct RefusingOne: NodeDialer {
    let address: String
    let fleet: LoopbackNodeFleet

    func route(address: String, port: Int) -> DialRoute {
        address == self.address ? .refuse : .connect(host: "127.0.0.1", port: fleet.route(address: address, port: port))
    }
}

private final class ReportBox: Sendable {
    private let reports = Mutex<[String]>([])
    func add(_ report: String) { reports.withLock { $0.append(report) } }
    var all: [String] { reports.withLock { $0 } }
}
