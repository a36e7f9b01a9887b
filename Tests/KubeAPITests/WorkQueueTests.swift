import KubeAPI
import Synchronization
import TestSupport
import Testing

/// client-go workqueue semantics: dedup, one worker per key, dirty re-adds, delays, shutdown, rate limits.
@Suite struct WorkQueueTests {
    /// A limiter that never delays, so rate-limited re-adds are immediate in tests.
    final class NoDelay: WorkQueueRateLimiter {
        let failures = Mutex<[String: Int]>([:])
        func when(_ key: String) -> Duration {
            failures.withLock { $0[key, default: 0] += 1 }
            return .zero
        }
        func forget(_ key: String) { _ = failures.withLock { $0.removeValue(forKey: key) } }
        func numRequeues(_ key: String) -> Int { failures.withLock { $0[key, default: 0] } }
    }

    /// `get` with an upper bound, so a broken queue fails the test instead of hanging it.
    static func get(_ queue: WorkQueue<String>, within timeout: Duration = .seconds(20)) async -> String? {
        await withTaskGroup(of: String?.self) { group in
            group.addTask { await queue.get() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    // MARK: queueing

    @Test func aKeyIsQueuedAtMostOnceAndOrderIsFIFO() async {
        let queue = WorkQueue<String>(name: "test")
        for key in ["a", "b", "a", "c", "b"] { queue.add(key) }
        #expect(queue.count == 3)
        #expect(await Self.get(queue) == "a")
        #expect(await Self.get(queue) == "b")
        #expect(await Self.get(queue) == "c")
        #expect(queue.count == 0)
    }

    @Test func aReAddDuringProcessingIsHeldUntilDoneThenQueuedOnce() async {
        let queue = WorkQueue<String>(name: "test")
        queue.add("a")
        #expect(await Self.get(queue) == "a")
        queue.add("a")
        queue.add("a")
        #expect(queue.count == 0, "held while a worker has it")
        queue.add("b")
        #expect(await Self.get(queue) == "b", "the held key is not handed out meanwhile")
        queue.done("a")
        #expect(queue.count == 1)
        #expect(await Self.get(queue) == "a")
        queue.done("a")
        queue.done("b")
        #expect(queue.count == 0)
    }

    @Test func aKeyBeingProcessedIsNeverHandedToTwoWorkers() async {
        let queue = WorkQueue<String>(name: "test", rateLimiter: NoDelay())
        struct Tracker { var active: Set<String> = []; var overlaps = 0; var processed = 0 }
        let tracker = Locked(Tracker())
        let keys = ["a", "b", "c"]
        let runner = Task {
            await queue.run(workers: 6) { key in
                tracker.withLock { tracker in
                    if !tracker.active.insert(key).inserted { tracker.overlaps += 1 }
                }
                queue.add(key)  // re-add while processing: must wait for done
                await Task.yield()
                tracker.withLock { tracker in
                    tracker.active.remove(key)
                    tracker.processed += 1
                }
            }
        }
        for key in keys { queue.add(key) }
        let enough = try? await eventually(timeout: .seconds(60)) { tracker.withLock { $0.processed } >= 300 }
        queue.shutDown()
        await runner.value
        #expect(enough == true)
        #expect(tracker.withLock { $0.overlaps } == 0)
    }

    // MARK: delays

    @Test func addAfterDeliversLater() async {
        let queue = WorkQueue<String>(name: "test")
        let start = ContinuousClock.now
        queue.addAfter("a", delay: .milliseconds(200))
        #expect(queue.count == 0)
        #expect(await Self.get(queue) == "a")
        #expect(start.duration(to: .now) >= .milliseconds(200))
    }

    @Test func delayedKeysArriveInReadyTimeOrder() async {
        let queue = WorkQueue<String>(name: "test")
        queue.addAfter("late", delay: .milliseconds(300))
        queue.addAfter("early", delay: .milliseconds(100))
        queue.addAfter("middle", delay: .milliseconds(200))
        #expect(await Self.get(queue) == "early")
        #expect(await Self.get(queue) == "middle")
        #expect(await Self.get(queue) == "late")
    }

    @Test func aShorterDelayMovesAWaitingKeyEarlierAndALongerOneDoesNotPostponeIt() async {
        let queue = WorkQueue<String>(name: "test")
        queue.addAfter("a", delay: .seconds(600))
        queue.addAfter("a", delay: .milliseconds(50))
        #expect(await Self.get(queue) == "a")
        queue.done("a")

        queue.addAfter("b", delay: .milliseconds(50))
        queue.addAfter("b", delay: .seconds(600))
        #expect(await Self.get(queue) == "b")
    }

    @Test func aDelayOfZeroOrLessAddsNow() {
        let queue = WorkQueue<String>(name: "test")
        queue.addAfter("a", delay: .zero)
        queue.addAfter("b", delay: .milliseconds(-5))
        #expect(queue.count == 2)
    }

    @Test func aDelayedKeyAlreadyQueuedIsNotQueuedTwice() async {
        let queue = WorkQueue<String>(name: "test")
        queue.add("a")
        queue.addAfter("a", delay: .milliseconds(20))
        try? await Task.sleep(for: .milliseconds(100))
        #expect(queue.count == 1)
    }

    @Test func manyDelayedKeysAreEachProcessedOnce() async {
        let queue = WorkQueue<String>(name: "test")
        let seen = Locked([String: Int]())
        let runner = Task {
            await queue.run(workers: 4) { key in seen.withLock { $0[key, default: 0] += 1 } }
        }
        let keys = (0..<300).map { "key-\($0)" }
        for (index, key) in keys.enumerated() {
            queue.addAfter(key, delay: .milliseconds((index * 37) % 60 - 5))
        }
        let all = try? await eventually { seen.withLock { $0.count } == keys.count }
        queue.shutDown()
        await runner.value
        #expect(all == true)
        #expect(seen.withLock { $0.values.allSatisfy { $0 == 1 } })
    }

    // MARK: shutdown and cancellation

    @Test func shutDownWakesEveryWaiterWithNil() async {
        let queue = WorkQueue<String>(name: "test")
        let waiters = (0..<3).map { _ in Task { await queue.get() } }
        try? await Task.sleep(for: .milliseconds(50))
        queue.shutDown()
        for waiter in waiters {
            #expect(await waiter.value == nil)
        }
        #expect(await queue.get() == nil, "later calls return nil at once")
    }

    @Test func shutDownDropsPendingDelayedAddsAndRefusesNewOnes() async {
        let queue = WorkQueue<String>(name: "test")
        queue.addAfter("delayed", delay: .milliseconds(50))
        queue.shutDown()
        queue.add("new")
        try? await Task.sleep(for: .milliseconds(150))
        #expect(queue.count == 0)
        #expect(await queue.get() == nil)
    }

    @Test func keysQueuedBeforeShutDownAreStillHandedOut() async {
        let queue = WorkQueue<String>(name: "test")
        queue.add("a")
        queue.shutDown()
        #expect(await queue.get() == "a")
        #expect(await queue.get() == nil)
    }

    @Test func shutDownWithDrainWaitsForKeysBeingProcessed() async {
        let queue = WorkQueue<String>(name: "test")
        queue.add("a")
        #expect(await Self.get(queue) == "a")
        let finished = Locked(false)
        let drain = Task {
            await queue.shutDownWithDrain()
            return finished.withLock { $0 }
        }
        try? await Task.sleep(for: .milliseconds(100))
        queue.add("b")
        #expect(queue.count == 0, "no longer accepting")
        finished.withLock { $0 = true }
        queue.done("a")
        #expect(await drain.value == true, "drain returned only after done")
    }

    @Test func aCancelledWaiterDoesNotSwallowALaterKey() async {
        let queue = WorkQueue<String>(name: "test")
        let cancelled = Task { await queue.get() }
        try? await Task.sleep(for: .milliseconds(50))
        cancelled.cancel()
        #expect(await cancelled.value == nil)
        queue.add("a")
        #expect(queue.count == 1, "the key was queued, not handed to the cancelled waiter")
        #expect(await Self.get(queue) == "a")
    }

    // MARK: rate limiting

    @Test func exponentialFailureBackoffDoublesCapsAndForgets() {
        let limiter = ItemExponentialFailureRateLimiter<String>(base: .milliseconds(5), max: .milliseconds(30))
        #expect(limiter.when("a") == .milliseconds(5))
        #expect(limiter.when("a") == .milliseconds(10))
        #expect(limiter.when("a") == .milliseconds(20))
        #expect(limiter.when("a") == .milliseconds(30))
        #expect(limiter.when("a") == .milliseconds(30))
        #expect(limiter.when("b") == .milliseconds(5), "per item")
        #expect(limiter.numRequeues("a") == 5)
        limiter.forget("a")
        #expect(limiter.numRequeues("a") == 0)
        #expect(limiter.when("a") == .milliseconds(5))
        for _ in 0..<2000 { _ = limiter.when("b") }
        #expect(limiter.when("b") == .milliseconds(30), "a long streak caps instead of overflowing")
    }

    @Test func bucketLimiterAllowsTheBurstThenPacesAtQPS() {
        let limiter = BucketRateLimiter<String>(qps: 1, burst: 2)
        #expect(limiter.when("a") == .zero)
        #expect(limiter.when("b") == .zero)
        let third = limiter.when("c")
        #expect(third > .milliseconds(900) && third <= .seconds(1))
        let fourth = limiter.when("d")
        #expect(fourth > .milliseconds(1900) && fourth <= .seconds(2), "reservations queue up")
    }

    @Test func maxOfLimiterTakesTheLongestAndDefaultMatchesClientGo() {
        let combined = MaxOfRateLimiter<String>([
            ItemExponentialFailureRateLimiter(base: .milliseconds(5), max: .seconds(1000)),
            ItemExponentialFailureRateLimiter(base: .milliseconds(50), max: .seconds(1000)),
        ])
        #expect(combined.when("a") == .milliseconds(50))
        #expect(combined.when("a") == .milliseconds(100))
        #expect(combined.numRequeues("a") == 2)
        combined.forget("a")
        #expect(combined.numRequeues("a") == 0)

        let standard = DefaultControllerRateLimiter<String>()
        #expect(standard.when("a") == .milliseconds(5))
        #expect(standard.when("a") == .milliseconds(10))
        #expect(standard.numRequeues("a") == 2)
    }

    @Test func addRateLimitedCountsRequeuesAndForgetResetsThem() async {
        let queue = WorkQueue<String>(
            name: "test", rateLimiter: ItemExponentialFailureRateLimiter(base: .milliseconds(1), max: .seconds(1)))
        queue.addRateLimited("a")
        queue.addRateLimited("a")
        #expect(queue.numRequeues("a") == 2)
        #expect(await Self.get(queue) == "a")
        queue.forget("a")
        #expect(queue.numRequeues("a") == 0)
    }

    // MARK: run

    @Test func runRetriesFailuresWithBackoffAndForgetsOnSuccess() async {
        let queue = WorkQueue<String>(
            name: "test", rateLimiter: ItemExponentialFailureRateLimiter(base: .milliseconds(1), max: .seconds(1)))
        let attempts = Locked(0)
        let runner = Task {
            await queue.run(workers: 2) { key in
                let attempt = attempts.withLock { attempts in
                    attempts += 1
                    return attempts
                }
                if attempt < 3 { throw CancellationError() }
            }
        }
        queue.add("a")
        let succeeded = try? await eventually { attempts.withLock { $0 } >= 3 && queue.longestRunningProcessor() == nil }
        #expect(succeeded == true)
        #expect(queue.numRequeues("a") == 0, "forgotten after success")
        queue.shutDown()
        await runner.value
        #expect(attempts.withLock { $0 } == 3)
    }

    @Test func runReturnsOnceShutDown() async {
        let queue = WorkQueue<String>(name: "test")
        let runner = Task { await queue.run(workers: 3) { _ in } }
        queue.add("a")
        queue.shutDown()
        await runner.value
    }

    // MARK: metrics

    final class RecordingMetrics: WorkQueueMetrics {
        struct Counts { var added = 0; var depths: [Int] = []; var retried = 0; var queued = 0; var processed = 0 }
        let counts = Mutex(Counts())
        func added(queue: String) { counts.withLock { $0.added += 1 } }
        func depthChanged(queue: String, depth: Int) { counts.withLock { $0.depths.append(depth) } }
        func retried(queue: String) { counts.withLock { $0.retried += 1 } }
        func queuedFor(queue: String, duration: Duration) { counts.withLock { $0.queued += 1 } }
        func processed(queue: String, duration: Duration) { counts.withLock { $0.processed += 1 } }
    }

    @Test func metricsHooksAndProcessingDurations() async {
        let metrics = RecordingMetrics()
        let queue = WorkQueue<String>(name: "test", metrics: metrics)
        #expect(queue.longestRunningProcessor() == nil)
        #expect(queue.unfinishedWorkDuration == .zero)
        queue.add("a")
        queue.add("a")
        queue.add("b")
        #expect(await Self.get(queue) == "a")
        queue.addAfter("c", delay: .milliseconds(10))
        try? await Task.sleep(for: .milliseconds(20))
        #expect((queue.longestRunningProcessor() ?? .zero) >= .milliseconds(20))
        #expect(queue.unfinishedWorkDuration >= .milliseconds(20))
        queue.done("a")
        let delivered = try? await eventually { metrics.counts.withLock { $0.added } == 3 }
        #expect(delivered == true)
        let counts = metrics.counts.withLock { $0 }
        #expect(counts.added == 3, "a, b, and the delayed c once delivered")
        #expect(counts.retried == 1)
        #expect(counts.queued == 1)
        #expect(counts.processed == 1)
        #expect(counts.depths == [1, 2, 1, 2], "a, b, a taken, c delivered")
        #expect(queue.longestRunningProcessor() == nil)
    }
}

/// A mutex-guarded value that escaping closures can share.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<Result: Sendable>(_ body: (inout Value) -> Result) -> Result {
        mutex.withLock { body(&$0) }
    }
}
