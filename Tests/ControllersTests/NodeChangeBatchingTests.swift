import Controllers
import Testing

/// A burst of node membership changes is applied once it is over, or after at most `maxDelay`.
@Suite struct NodeChangeBatchingTests {
    let batching = NodeChangeBatching(quiet: .milliseconds(500), maxDelay: .seconds(5))

    @Test(arguments: [
        ("nodes quiet for the quiet period: apply", Duration.milliseconds(500), Duration.milliseconds(500), NodeChangeBatching.Decision.apply),
        ("a node event just now: wait the quiet period", .zero, .milliseconds(10), .wait(.milliseconds(500))),
        ("an event 200 ms ago: wait the rest", .milliseconds(200), .seconds(1), .wait(.milliseconds(300))),
        ("events for 5 s without a pause: apply anyway", .zero, .seconds(5), .apply),
        ("close to the cap: wait only until it", .zero, .milliseconds(4900), .wait(.milliseconds(100))),
    ])
    func decides(_ what: String, _ sinceLastEvent: Duration, _ sinceFirstSeen: Duration, _ expected: NodeChangeBatching.Decision) {
        #expect(batching.decide(sinceLastEvent: sinceLastEvent, sinceFirstSeen: sinceFirstSeen) == expected, "\(what)")
    }

    @Test func noBatchingAppliesAtOnce() {
        #expect(NodeChangeBatching.none.decide(sinceLastEvent: .zero, sinceFirstSeen: .zero) == .apply)
    }
}
