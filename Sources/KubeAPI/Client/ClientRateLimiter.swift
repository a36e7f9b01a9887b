import Synchronization

/// Client-side token bucket (client-go's `flowcontrol.NewTokenBucketRateLimiter`): `qps` tokens a second,
/// up to `burst` saved. With `qps` of zero or less there is no limit and the server's API Priority and
/// Fairness (429 with Retry-After) is what paces us.
///
/// With `yieldsToPriorityAndFairness`, the bucket steps aside as soon as a response shows the server runs
/// API Priority and Fairness: such a server already shares its capacity fairly between clients, and a
/// fixed client-side budget would decide our sync times on an idle server (kubectl does the same).
public actor ClientRateLimiter {
    public nonisolated let qps: Double
    public nonisolated let burst: Int
    public nonisolated let yieldsToPriorityAndFairness: Bool
    private var tokens: Double
    private var updated: ContinuousClock.Instant
    private nonisolated let serverPacesUs = Atomic<Bool>(false)
    private let clock = ContinuousClock()

    public init(qps: Double, burst: Int, yieldsToPriorityAndFairness: Bool = false) {
        self.qps = qps
        self.burst = max(1, burst)
        self.yieldsToPriorityAndFairness = yieldsToPriorityAndFairness
        self.tokens = Double(max(1, burst))
        self.updated = ContinuousClock.now
    }

    public nonisolated var isUnlimited: Bool { qps <= 0 }

    /// True once requests are no longer limited client-side.
    public nonisolated var isPacedByServer: Bool { isUnlimited || serverPacesUs.load(ordering: .relaxed) }

    /// Headers kube-apiserver adds to every response it classified with API Priority and Fairness.
    static let priorityAndFairnessHeaders = ["X-Kubernetes-PF-PriorityLevel-UID", "X-Kubernetes-PF-FlowSchema-UID"]

    /// Looks at a response's headers; called for every response, so it costs nothing once decided.
    nonisolated func observe(_ headers: HTTPHeaders) {
        guard yieldsToPriorityAndFairness, !isPacedByServer,
            Self.priorityAndFairnessHeaders.contains(where: { headers[$0] != nil })
        else { return }
        serverPacesUs.store(true, ordering: .relaxed)
    }

    /// Waits until the request may be sent. Reservations are handed out in call order, so waiting is fair.
    public func acquire() async throws(CancellationError) {
        guard !isPacedByServer else { return }
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
