import Synchronization

/// Per-item exponential backoff: `base * 2^failures`, capped at `max`.
public final class ItemExponentialFailureRateLimiter<Key: Hashable & Sendable>: WorkQueueRateLimiter {
    public let base: Duration
    public let max: Duration
    private let failures = Mutex<[Key: Int]>([:])

    public init(base: Duration = .milliseconds(5), max: Duration = .seconds(1000)) {
        self.base = base
        self.max = max
    }

    public func when(_ key: Key) -> Duration {
        let exponent = failures.withLock { failures in
            let previous = failures[key, default: 0]
            failures[key] = previous + 1
            return previous
        }
        // Computed in Double so a long failure streak caps instead of overflowing.
        let seconds = (base / .seconds(1)) * pow2(exponent)
        guard seconds.isFinite, seconds < max / .seconds(1) else { return max }
        return .seconds(seconds)
    }

    public func forget(_ key: Key) {
        _ = failures.withLock { $0.removeValue(forKey: key) }
    }

    public func numRequeues(_ key: Key) -> Int {
        failures.withLock { $0[key, default: 0] }
    }

    private func pow2(_ exponent: Int) -> Double {
        exponent >= 1024 ? .infinity : Double(sign: .plus, exponent: exponent, significand: 1)
    }
}
