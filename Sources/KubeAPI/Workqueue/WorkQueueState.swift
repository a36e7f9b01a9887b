import DequeModule

/// Everything a `WorkQueue` guards with its mutex. Mutations record what must happen after the lock is
/// released (waking waiters, metrics) in `WorkQueueEffects`, so no foreign code runs under the lock.
struct WorkQueueState<Key: Hashable & Sendable>: Sendable {
    struct Waiter: Sendable {
        var id: UInt64
        var continuation: CheckedContinuation<Key?, Never>
    }
    struct DrainWaiter: Sendable {
        var id: UInt64
        var continuation: CheckedContinuation<Void, Never>
    }

    /// Keys ready for a worker, in order.
    var queue: Deque<Key> = []
    /// Keys that need processing: queued ones and ones re-added while processing.
    var dirty: Set<Key> = []
    /// Keys a worker holds, with when it got them.
    var processing: [Key: ContinuousClock.Instant] = [:]
    /// When each dirty key was added, for the queue-latency metric.
    var addedAt: [Key: ContinuousClock.Instant] = [:]
    var waiters: Deque<Waiter> = []
    var drainWaiters: [DrainWaiter] = []
    var nextWaiterID: UInt64 = 0
    var shuttingDown = false
    var draining = false

    var delayed = DelayedItems<Key>()
    /// Whether the timer task that moves delayed keys into the queue is alive, and when it will next wake.
    var timerRunning = false
    var timerWakesAt: ContinuousClock.Instant?
    /// Wakes the timer early (an earlier delayed key, or shutdown).
    var timerSignalled = false
    var timerContinuation: CheckedContinuation<Void, Never>?

    mutating func makeWaiterID() -> UInt64 {
        nextWaiterID += 1
        return nextWaiterID
    }

    mutating func add(_ key: Key, now: ContinuousClock.Instant, effects: inout WorkQueueEffects<Key>) {
        guard !shuttingDown, !dirty.contains(key) else { return }
        effects.metrics.append(.added)
        dirty.insert(key)
        addedAt[key] = now
        // A key being processed is queued again by `done`.
        guard processing[key] == nil else { return }
        enqueue(key, now: now, effects: &effects)
    }

    /// Hands `key` to the longest-waiting worker, or queues it.
    mutating func enqueue(_ key: Key, now: ContinuousClock.Instant, effects: inout WorkQueueEffects<Key>) {
        if let waiter = waiters.popFirst() {
            startProcessing(key, now: now, effects: &effects)
            effects.resumes.append((waiter.continuation, key))
        } else {
            queue.append(key)
            effects.metrics.append(.depth(queue.count))
        }
    }

    /// Takes the next queued key for a worker.
    mutating func takeNext(now: ContinuousClock.Instant, effects: inout WorkQueueEffects<Key>) -> Key? {
        guard let key = queue.popFirst() else { return nil }
        effects.metrics.append(.depth(queue.count))
        startProcessing(key, now: now, effects: &effects)
        return key
    }

    private mutating func startProcessing(
        _ key: Key, now: ContinuousClock.Instant, effects: inout WorkQueueEffects<Key>
    ) {
        dirty.remove(key)
        processing[key] = now
        if let added = addedAt.removeValue(forKey: key) {
            effects.metrics.append(.queuedFor(added.duration(to: now)))
        }
    }

    mutating func done(_ key: Key, now: ContinuousClock.Instant, effects: inout WorkQueueEffects<Key>) {
        guard let started = processing.removeValue(forKey: key) else { return }
        effects.metrics.append(.processed(started.duration(to: now)))
        if dirty.contains(key) {
            enqueue(key, now: now, effects: &effects)
        } else if processing.isEmpty {
            effects.drainResumes.append(contentsOf: drainWaiters.map(\.continuation))
            drainWaiters.removeAll()
        }
    }

    /// Stops accepting keys, wakes every waiting worker with nil and drops delayed keys.
    mutating func shutDown(draining: Bool, effects: inout WorkQueueEffects<Key>) {
        shuttingDown = true
        self.draining = self.draining || draining
        effects.resumes.append(contentsOf: waiters.map { ($0.continuation, nil) })
        waiters.removeAll()
        delayed.removeAll()
        signalTimer(effects: &effects)
    }

    mutating func signalTimer(effects: inout WorkQueueEffects<Key>) {
        if let continuation = timerContinuation {
            timerContinuation = nil
            effects.timerResume = continuation
        } else {
            timerSignalled = true
        }
    }
}

/// What to do once a `WorkQueue`'s lock is released.
struct WorkQueueEffects<Key: Sendable>: Sendable {
    enum Metric: Sendable {
        case added
        case depth(Int)
        case retried
        case queuedFor(Duration)
        case processed(Duration)
    }

    var resumes: [(CheckedContinuation<Key?, Never>, Key?)] = []
    var drainResumes: [CheckedContinuation<Void, Never>] = []
    var timerResume: CheckedContinuation<Void, Never>?
    var startTimer = false
    var metrics: [Metric] = []
}
