import Controllers
import KubeAPI
import Testing

/// The pure decisions behind node probing: verdicts from runs of probes, the auto mode, fail-open selection.
struct ReachDecisionTests {
    static let thresholds = (failure: 2, success: 2)

    /// Feeds probe results (true: passed) and returns the verdict after each.
    static func verdicts(_ probes: [Bool]) -> [Bool] {
        var state = NodeProbeState()
        return probes.map { passed in
            _ = state.record(passed: passed, thresholds: thresholds)
            return state.reachable
        }
    }

    @Test(arguments: [
        // (probes, reachable after each)
        ([true, true], [true, true]),
        ([false], [true]),  // one lost probe is not a flap
        ([false, true, false, true], [true, true, true, true]),
        ([false, false], [true, false]),
        ([false, false, true], [true, false, false]),  // one pass does not bring it back
        ([false, false, true, true], [true, false, false, true]),
        ([false, false, true, false, true, true], [true, false, false, false, false, true]),
    ])
    func aVerdictMovesOnlyWithARunOfProbes(probes: [Bool], expected: [Bool]) {
        #expect(Self.verdicts(probes) == expected)
    }

    @Test func recordSaysWhenTheVerdictChanged() {
        var state = NodeProbeState()
        var changes: [Bool] = []
        for _ in 0..<3 { changes.append(state.record(passed: false, thresholds: Self.thresholds)) }
        #expect(changes == [false, true, false])
    }

    // MARK: -node-health-check auto

    typealias Round = HealthCheckModeSelector.Round

    @Test func autoStaysOnTheHealthPortWhileAnyNodeAnswersIt() {
        var selector = HealthCheckModeSelector(mode: .auto, failureThreshold: 2)
        for _ in 0..<5 { #expect(selector.record(Round(healthProbes: 3, healthAnswers: 1)) == .none) }
        #expect(selector.probing == .http)
    }

    @Test func autoFallsBackToTCPWhenTheHealthPortAnswersNowhereAndReturnsWhenItAnswers() {
        var selector = HealthCheckModeSelector(mode: .auto, failureThreshold: 2, recheckRounds: 3)
        #expect(selector.record(Round(healthProbes: 3, healthAnswers: 0)) == .none, "one silent round is not enough")
        #expect(selector.record(Round(healthProbes: 3, healthAnswers: 0)) == .fellBackToTCP)
        #expect(selector.probing == .tcp)
        // On TCP, the health port is tried on one node every third round.
        var rechecks: [Bool] = []
        for _ in 0..<6 {
            rechecks.append(selector.rechecksHealthPort)
            _ = selector.record(Round(healthProbes: selector.rechecksHealthPort ? 1 : 0, healthAnswers: 0))
        }
        #expect(rechecks == [false, false, true, false, false, true])
        #expect(selector.probing == .tcp)
        _ = selector.record(Round(healthProbes: 0, healthAnswers: 0))
        _ = selector.record(Round(healthProbes: 0, healthAnswers: 0))
        #expect(selector.rechecksHealthPort)
        #expect(selector.record(Round(healthProbes: 1, healthAnswers: 1)) == .backToHealthPort)
        #expect(selector.probing == .http)
    }

    @Test func anErrorAnswerIsTheHealthPortWorking() {
        // kube-proxy answering 503 is an answer: the node fails, the port does not.
        var selector = HealthCheckModeSelector(mode: .auto, failureThreshold: 1)
        #expect(selector.record(Round(healthProbes: 2, healthAnswers: 2)) == .none)
        #expect(selector.probing == .http)
    }

    @Test(arguments: [ReachSettings.Mode.http, .tcp])
    func fixedModesNeverSwitch(mode: ReachSettings.Mode) {
        var selector = HealthCheckModeSelector(mode: mode, failureThreshold: 1, recheckRounds: 1)
        for _ in 0..<3 {
            #expect(selector.record(Round(healthProbes: 3, healthAnswers: 0)) == .none)
            #expect(!selector.rechecksHealthPort)
        }
        #expect(selector.probing == (mode == .tcp ? .tcp : .http))
    }

    // MARK: fail-open selection of a Local service's nodes

    static let nodes = NodeAddressSet(ipv4: [
        NodeAddressEntry(nodeName: "a", address: "10.0.0.1", ready: true),
        NodeAddressEntry(nodeName: "b", address: "10.0.0.2", ready: true),
        NodeAddressEntry(nodeName: "c", address: "10.0.0.3", ready: false),
    ])

    static func ready(_ selection: EndpointNodeSelection) -> [String] {
        selection.nodes.all.filter(\.ready).map(\.nodeName)
    }

    @Test func aFailingNodeIsNotReadyAndTheOthersStay() {
        let (selection, failingOpen) = reachableSelection(candidates: Self.nodes, hosting: ["a", "b"], failing: ["a"])
        #expect(Self.ready(selection) == ["b"])
        #expect(selection.nodes.all.map(\.nodeName) == ["a", "b"], "a failing node is kept, not ready")
        #expect(!failingOpen)
    }

    @Test func whenEveryHostingNodeFailsTheAPIsChoiceStands() {
        let (selection, failingOpen) = reachableSelection(candidates: Self.nodes, hosting: ["a"], failing: ["a"])
        #expect(Self.ready(selection) == ["a"])
        #expect(failingOpen)
    }

    @Test func noReadyNodeByTheAPIIsNotFailingOpen() {
        let (selection, failingOpen) = reachableSelection(candidates: Self.nodes, hosting: ["c"], failing: ["c"])
        #expect(Self.ready(selection).isEmpty)
        #expect(!failingOpen, "nothing to keep: the API already says not ready")
    }

    @Test func markingNotReadyLeavesNotReadyAndOtherNodesAlone() {
        let marked = Self.nodes.markingNotReady(["b", "c"])
        #expect(marked.all.map(\.ready) == [true, false, false])
        #expect(Self.nodes.markingNotReady([]) == Self.nodes)
    }
}
