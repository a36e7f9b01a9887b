/// Combines limiters: the delay is the longest any of them asks for.
public struct MaxOfRateLimiter<Key: Hashable & Sendable>: WorkQueueRateLimiter {
    public let limiters: [any WorkQueueRateLimiter<Key>]

    public init(_ limiters: [any WorkQueueRateLimiter<Key>]) {
        self.limiters = limiters
    }

    public func when(_ key: Key) -> Duration {
        // Every limiter is asked, so each records the failure.
        limiters.map { $0.when(key) }.max() ?? .zero
    }

    public func forget(_ key: Key) {
        for limiter in limiters { limiter.forget(key) }
    }

    public func numRequeues(_ key: Key) -> Int {
        limiters.map { $0.numRequeues(key) }.max() ?? 0
    }
}
