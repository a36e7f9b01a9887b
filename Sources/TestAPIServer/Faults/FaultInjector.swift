import Synchronization

/// A canned failure to answer requests with instead of serving them.
public enum InjectedFailure: Sendable, Equatable {
    /// 429 TooManyRequests with `Retry-After: seconds`.
    case tooManyRequests(retryAfterSeconds: Int)
    /// 500 InternalError.
    case internalError
    /// 503 ServiceUnavailable.
    case serviceUnavailable
}

/// Failures, latency and request counting that tests switch on to exercise client resilience.
public final class FaultInjector: Sendable {
    private struct Rule {
        var remaining: Int
        var verb: String?
        var resource: String?
        var failure: InjectedFailure
    }

    private struct State {
        var rules: [Rule] = []
        var expiredWatches = 0
        var latency: Duration = .zero
        var down = false
        var counts: [String: Int] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Answers the next `count` requests matching `verb` and `resource` (nil matches any) with `failure`.
    public func failNext(_ count: Int, with failure: InjectedFailure, verb: String? = nil, resource: String? = nil) {
        state.withLock { $0.rules.append(Rule(remaining: count, verb: verb, resource: resource, failure: failure)) }
    }

    /// Answers the next `count` watch requests with a 410 Expired ERROR event.
    public func expireNextWatches(_ count: Int) {
        state.withLock { $0.expiredWatches += count }
    }

    /// Delays every request by `latency` before serving it.
    public func setLatency(_ latency: Duration) {
        state.withLock { $0.latency = latency }
    }

    /// While down, every request gets 503 (the state itself is kept).
    public func setDown(_ down: Bool) {
        state.withLock { $0.down = down }
    }

    /// Drops all injected failures and latency.
    public func clear() {
        state.withLock {
            $0.rules = []
            $0.expiredWatches = 0
            $0.latency = .zero
            $0.down = false
        }
    }

    /// How many requests with `verb` (get, list, watch, create, update, patch, delete, deletecollection) on
    /// `resource` (plural, `nodes/status` for subresources; nil for all) were received.
    public func requestCount(verb: String? = nil, resource: String? = nil) -> Int {
        state.withLock { state in
            state.counts.reduce(0) { total, entry in
                let parts = entry.key.split(separator: " ", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { return total }
                let verbMatches = verb == nil || parts[0] == verb
                let resourceMatches = resource == nil || parts[1] == resource
                return verbMatches && resourceMatches ? total + entry.value : total
            }
        }
    }

    /// Total write requests (create, update, patch, delete, deletecollection) on `resource` (nil for all).
    public func writeCount(resource: String? = nil) -> Int {
        ["create", "update", "patch", "delete", "deletecollection"].reduce(0) {
            $0 + requestCount(verb: $1, resource: resource)
        }
    }

    public func resetCounts() {
        state.withLock { $0.counts = [:] }
    }

    var latency: Duration { state.withLock { $0.latency } }

    /// Counts the request and returns the failure to answer it with, if one applies.
    func admit(verb: String, resource: String) -> InjectedFailure? {
        state.withLock { state -> InjectedFailure? in
            state.counts["\(verb) \(resource)", default: 0] += 1
            if state.down { return .serviceUnavailable }
            for index in state.rules.indices {
                let rule = state.rules[index]
                guard rule.remaining > 0, rule.verb == nil || rule.verb == verb,
                    rule.resource == nil || rule.resource == resource
                else { continue }
                state.rules[index].remaining -= 1
                state.rules.removeAll { $0.remaining <= 0 }
                return rule.failure
            }
            return nil
        }
    }

    /// Whether this watch must be answered with a forced 410; consumes one.
    func takeExpiredWatch() -> Bool {
        state.withLock { state in
            guard state.expiredWatches > 0 else { return false }
            state.expiredWatches -= 1
            return true
        }
    }
}
