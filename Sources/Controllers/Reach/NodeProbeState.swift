/// One probed target's verdict, moved only by runs of probes: `failureThreshold` failures in a row make it
/// unreachable, `successThreshold` passes in a row reachable again. A new target starts reachable: the API
/// already says it is ready, and a probe must show otherwise.
public struct NodeProbeState: Sendable, Hashable {
    public private(set) var reachable = true
    public private(set) var consecutiveFailures = 0
    public private(set) var consecutiveSuccesses = 0

    public init() {}

    /// Records one probe; returns true when the verdict changed.
    public mutating func record(passed: Bool, thresholds: (failure: Int, success: Int)) -> Bool {
        if passed {
            consecutiveFailures = 0
            consecutiveSuccesses += 1
            if !reachable && consecutiveSuccesses >= thresholds.success {
                reachable = true
                return true
            }
        } else {
            consecutiveSuccesses = 0
            consecutiveFailures += 1
            if reachable && consecutiveFailures >= thresholds.failure {
                reachable = false
                return true
            }
        }
        return false
    }
}

/// A probe's outcome as logs and Events say it: what was probed and what it saw.
public struct ProbeOutcomeSummary: Sendable, Hashable, CustomStringConvertible {
    public var target: String
    public var seen: String

    public init(target: String, seen: String) {
        self.target = target
        self.seen = seen
    }

    public var description: String { "\(target): \(seen)" }
}
