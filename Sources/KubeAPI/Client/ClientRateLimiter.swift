/// Client-side token bucket (client-go's `flowcontrol.NewTokenBucketRateLimiter`): `qps` tokens a second,
/// up to `burst` saved. With `qps` of zero or less there is no limit and the server's API Priority and
/// Fairness (429 with Retry-After) is what paces us.
public actor ClientRateLimiter {
    public nonisolated let qps: Double
    public nonisolated let burst: Int
    private var tokens: Double
    private var updated: ContinuousClock.Instant
    private let clock = ContinuousClock()

    public init(qps: Double, burst: Int) {
        self.qps = qps
        self.burst = max(1, burst)
        self.tokens = Double(max(1, burst))
        self.updated = ContinuousClock.now
    }

    public nonisolated var isUnlimited: Bool { qps <= 0 }

    /// Waits until the request may be sent. Reservations are handed out in call order, so waiting is fair.
    public func acquire() async throws(CancellationError) {
        guard !isUnlimited else { return }
        let now = clock.now
        tokens = min(Double(burst), tokens + qps * seconds(updated.duration(to: now)))
        updated = now
        tokens -= 1
        guard tokens < 0 else { return }
        let wait = Duration.seconds(-tokens / qps)
        do {
            try await Task.sleep(for: wait)
        } catch {
            tokens += 1  // the reservation was not used
            throw CancellationError()
        }
    }

    private func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
