/// Exponential backoff with jitter between failed attempts, as client-go's reflector uses: the delay
/// doubles per consecutive failure from `base` up to `cap`, and each delay is drawn from its upper half
/// so many informers failing together do not retry together.
struct Backoff: Sendable {
    let base: Duration
    let cap: Duration
    private(set) var failures = 0

    init(base: Duration, cap: Duration) {
        self.base = max(base, .zero)
        self.cap = max(cap, self.base)
    }

    /// The delay before the next attempt; counts one more failure.
    mutating func nextDelay() -> Duration {
        var delay = base
        var step = 0
        while step < failures && delay < cap {
            delay = delay * 2
            step += 1
        }
        delay = min(delay, cap)
        failures += 1
        return delay * Double.random(in: 0.5...1.0)
    }

    /// Forgets past failures, after things went well for a while.
    mutating func reset() {
        failures = 0
    }

    /// Sleeps for the next delay; returns false when the task was cancelled meanwhile.
    mutating func wait() async -> Bool {
        let delay = nextDelay()
        do {
            try await Task.sleep(for: delay)
        } catch {
            return false
        }
        return !Task.isCancelled
    }
}
