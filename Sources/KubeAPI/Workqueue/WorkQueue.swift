import Synchronization

/// Rate-limited work queue of keys with client-go semantics.
///
/// A key is queued at most once; a key is handed to one worker at a time, and a key added again while a
/// worker holds it is queued once more after `done`. Delayed keys wait in a heap drained by one timer task,
/// which runs only while delayed keys exist.
public final class WorkQueue<Key: Hashable & Sendable>: Sendable {
    public let name: String
    private let rateLimiter: any WorkQueueRateLimiter<Key>
    private let metrics: (any WorkQueueMetrics)?
    private let state = Mutex(WorkQueueState<Key>())

    public init(
        name: String, rateLimiter: any WorkQueueRateLimiter<Key> = DefaultControllerRateLimiter(),
        metrics: (any WorkQueueMetrics)? = nil
    ) {
        self.name = name
        self.rateLimiter = rateLimiter
        self.metrics = metrics
    }

    // MARK: adding

    /// Queues `key` unless it is already queued; a key being processed is queued again after `done`.
    public func add(_ key: Key) {
        var effects = WorkQueueEffects<Key>()
        state.withLock { $0.add(key, now: .now, effects: &effects) }
        apply(effects)
    }

    /// Queues `key` after `delay` (at once when `delay <= 0`). A key already waiting moves earlier, never later.
    public func addAfter(_ key: Key, delay: Duration) {
        guard delay > .zero else {
            add(key)
            return
        }
        var effects = WorkQueueEffects<Key>()
        state.withLock { state in
            guard !state.shuttingDown else { return }
            effects.metrics.append(.retried)
            let readyAt = ContinuousClock.now + delay
            guard state.delayed.schedule(key, at: readyAt) else { return }
            if !state.timerRunning {
                state.timerRunning = true
                state.timerWakesAt = readyAt
                effects.startTimer = true
            } else if let wakesAt = state.timerWakesAt, readyAt < wakesAt {
                state.timerWakesAt = readyAt
                state.signalTimer(effects: &effects)
            }
        }
        apply(effects)
    }

    /// Queues `key` after the delay the rate limiter gives it.
    public func addRateLimited(_ key: Key) {
        addAfter(key, delay: rateLimiter.when(key))
    }

    /// Resets the backoff of `key`, after it was processed successfully.
    public func forget(_ key: Key) {
        rateLimiter.forget(key)
    }

    /// How often `key` was re-added through `addRateLimited` since it was last forgotten.
    public func numRequeues(_ key: Key) -> Int {
        rateLimiter.numRequeues(key)
    }

    // MARK: processing

    /// The next key, waiting for one. Nil once the queue is shut down and empty, or when the calling task
    /// is cancelled; a cancelled waiter takes no key, so none is lost.
    public func get() async -> Key? {
        let id = state.withLock { $0.makeWaiterID() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Key?, Never>) in
                var effects = WorkQueueEffects<Key>()
                let immediate: Key?? = state.withLock { state in
                    if Task.isCancelled { return .some(nil) }
                    if let key = state.takeNext(now: .now, effects: &effects) { return .some(key) }
                    if state.shuttingDown { return .some(nil) }
                    state.waiters.append(.init(id: id, continuation: continuation))
                    return .none
                }
                apply(effects)
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Key?, Never>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            continuation?.resume(returning: nil)
        }
    }

    /// Marks `key` as processed; if it was added meanwhile, it is queued again.
    public func done(_ key: Key) {
        var effects = WorkQueueEffects<Key>()
        state.withLock { $0.done(key, now: .now, effects: &effects) }
        apply(effects)
    }

    /// Runs `workers` concurrent loops of get -> process -> forget (success) / addRateLimited (throws) -> done,
    /// until shut down. Returns when all loops ended.
    public func run(workers: Int, process: @escaping @Sendable (Key) async throws -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, workers) {
                group.addTask {
                    while let key = await self.get() {
                        do {
                            try await process(key)
                            self.forget(key)
                        } catch {
                            self.addRateLimited(key)
                        }
                        self.done(key)
                    }
                }
            }
        }
    }

    // MARK: shutdown

    /// Stops accepting keys: waiting `get` calls return nil at once, delayed keys are dropped. Keys already
    /// queued are still handed out.
    public func shutDown() {
        var effects = WorkQueueEffects<Key>()
        state.withLock { $0.shutDown(draining: false, effects: &effects) }
        apply(effects)
    }

    /// Shuts down and waits until every key being processed is `done` (or the calling task is cancelled).
    public func shutDownWithDrain() async {
        var effects = WorkQueueEffects<Key>()
        let id = state.withLock { state in
            state.shutDown(draining: true, effects: &effects)
            return state.makeWaiterID()
        }
        apply(effects)
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let finished = state.withLock { state in
                    if state.processing.isEmpty || Task.isCancelled { return true }
                    state.drainWaiters.append(.init(id: id, continuation: continuation))
                    return false
                }
                if finished { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard let index = state.drainWaiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.drainWaiters.remove(at: index).continuation
            }
            continuation?.resume()
        }
    }

    public var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }

    // MARK: introspection

    /// Keys queued (not processing).
    public var count: Int { state.withLock { $0.queue.count } }

    /// How long the longest-running worker has held its key; nil when none is processing.
    public func longestRunningProcessor() -> Duration? {
        let now = ContinuousClock.now
        return state.withLock { $0.processing.values.min() }.map { $0.duration(to: now) }
    }

    /// The total time the keys being processed have been held, computed now.
    public var unfinishedWorkDuration: Duration {
        let now = ContinuousClock.now
        return state.withLock { $0.processing.values.reduce(Duration.zero) { $0 + $1.duration(to: now) } }
    }

    // MARK: delayed delivery

    /// The one timer task: moves ready delayed keys into the queue, sleeps until the next is due (or an
    /// earlier one arrives), and ends when no delayed keys remain or the queue shuts down.
    private func runTimer() async {
        while true {
            var effects = WorkQueueEffects<Key>()
            let wakeAt: ContinuousClock.Instant? = state.withLock { state in
                let now = ContinuousClock.now
                if !state.shuttingDown {
                    for key in state.delayed.popReady(now: now) {
                        state.add(key, now: now, effects: &effects)
                    }
                }
                guard !state.shuttingDown, let next = state.delayed.earliest() else {
                    state.timerRunning = false
                    state.timerWakesAt = nil
                    state.timerSignalled = false
                    return nil
                }
                state.timerWakesAt = next
                return next
            }
            apply(effects)
            guard let wakeAt else { return }
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await Task.sleep(until: wakeAt, clock: .continuous) }
                group.addTask { await self.waitForTimerSignal() }
                await group.next()
                group.cancelAll()
            }
        }
    }

    private func waitForTimerSignal() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let signalled = state.withLock { state in
                    if state.timerSignalled || Task.isCancelled {
                        state.timerSignalled = false
                        return true
                    }
                    state.timerContinuation = continuation
                    return false
                }
                if signalled { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { state in
                defer { state.timerContinuation = nil }
                return state.timerContinuation
            }
            continuation?.resume()
        }
    }

    // MARK: effects

    /// Time in the queue and in the worker, for the write-speed benchmark.
    private func traceStages(_ effects: WorkQueueEffects<Key>) {
        let now = StageTrace.now()
        for metric in effects.metrics {
            switch metric {
            case .queuedFor(let duration): StageTrace.write(["queued", name, String(now), String(duration.nanoseconds)])
            case .processed(let duration): StageTrace.write(["processed", name, String(now), String(duration.nanoseconds)])
            default: break
            }
        }
    }

    private func apply(_ effects: WorkQueueEffects<Key>) {
        if StageTrace.isOn { traceStages(effects) }
        if let metrics {
            for metric in effects.metrics {
                switch metric {
                case .added: metrics.added(queue: name)
                case .depth(let depth): metrics.depthChanged(queue: name, depth: depth)
                case .retried: metrics.retried(queue: name)
                case .queuedFor(let duration): metrics.queuedFor(queue: name, duration: duration)
                case .processed(let duration): metrics.processed(queue: name, duration: duration)
                }
            }
        }
        for (continuation, key) in effects.resumes { continuation.resume(returning: key) }
        for continuation in effects.drainResumes { continuation.resume() }
        effects.timerResume?.resume()
        if effects.startTimer {
            Task { await self.runTimer() }
        }
    }
}
