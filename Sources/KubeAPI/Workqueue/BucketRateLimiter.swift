import Synchronization

/// One token bucket shared by all items (`qps` tokens a second, up to `burst` saved); `when` reserves a token
/// and returns how long to wait for it, like client-go's `BucketRateLimiter` on `rate.Limiter.Reserve`.
public final class BucketRateLimiter<Key: Hashable & Sendable>: WorkQueueRateLimiter {
    public let qps: Double
    public let burst: Int
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }
    private let bucket: Mutex<Bucket>

    public init(qps: Double = 10, burst: Int = 100) {
        self.qps = qps
        self.burst = Swift.max(1, burst)
        self.bucket = Mutex(Bucket(tokens: Double(Swift.max(1, burst)), updated: .now))
    }

    public func when(_ key: Key) -> Duration {
        guard qps > 0 else { return .zero }
        return bucket.withLock { bucket in
            let now = ContinuousClock.now
            bucket.tokens = Swift.min(
                Double(burst), bucket.tokens + qps * (bucket.updated.duration(to: now) / .seconds(1)))
            bucket.updated = now
            bucket.tokens -= 1
            return bucket.tokens >= 0 ? .zero : .seconds(-bucket.tokens / qps)
        }
    }

    /// The bucket is shared, so there is no per-item history to forget.
    public func forget(_ key: Key) {}

    public func numRequeues(_ key: Key) -> Int { 0 }
}
