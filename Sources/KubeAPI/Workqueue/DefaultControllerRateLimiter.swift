/// client-go's `DefaultControllerRateLimiter`: per-item exponential backoff (5 ms doubling to 1000 s) and an
/// overall 10 qps / 100 burst bucket, whichever waits longer.
public struct DefaultControllerRateLimiter<Key: Hashable & Sendable>: WorkQueueRateLimiter {
    private let combined: MaxOfRateLimiter<Key>

    public init() {
        combined = MaxOfRateLimiter([
            ItemExponentialFailureRateLimiter<Key>(base: .milliseconds(5), max: .seconds(1000)),
            BucketRateLimiter<Key>(qps: 10, burst: 100),
        ])
    }

    public func when(_ key: Key) -> Duration { combined.when(key) }
    public func forget(_ key: Key) { combined.forget(key) }
    public func numRequeues(_ key: Key) -> Int { combined.numRequeues(key) }
}
