import KubeAPI

/// The loop every controller runs, as controller-runtime's and kube-rs' `Controller` do: a work queue of keys,
/// `workers` concurrent reconciles with per-key backoff on failure, a start only once the caches the controller
/// reads have synced, and the queue's metrics. A controller is then its informers, its handlers (which call
/// `enqueue`) and its `reconcile(key)`.
public final class ControllerLoop: Sendable {
    /// The `controller` label of `barrelman_services_queued_total`, and the work queue's name.
    public let name: String
    let queue: WorkQueue<ObjectKey>
    private let metrics: ControllerMetrics

    init(name: String, metrics: ControllerMetrics) {
        self.name = name
        self.queue = WorkQueue(name: name, metrics: metrics.workQueue)
        self.metrics = metrics
    }

    /// Queues `key` for a reconcile (once, however often it is added before a worker takes it).
    func enqueue(_ key: ObjectKey) {
        metrics.serviceQueued(controller: name, requeued: false)
        queue.add(key)
    }

    /// Queues `key` again after `delay`, outside the failure backoff (a state that needs time, not a failure).
    func enqueue(_ key: ObjectKey, after delay: Duration) {
        queue.addAfter(key, delay: delay)
    }

    /// How often `key`'s reconcile failed in a row (reset by a success).
    func failedAttempts(_ key: ObjectKey) -> Int {
        queue.numRequeues(key)
    }

    /// True while keys wait for a worker.
    var hasQueuedWork: Bool { queue.count > 0 }

    /// Waits until every cache in `caches` synced (returns if one never will), runs `start`, then reconciles
    /// queued keys with `workers` workers until the task is cancelled.
    func run(
        workers: Int, caches: [@Sendable () async -> Bool], start: @Sendable () -> Void,
        reconcile: @escaping @Sendable (ObjectKey) async throws -> Void
    ) async {
        for synced in caches {
            guard await synced() else { return }
        }
        start()
        await withTaskCancellationHandler {
            await queue.run(workers: workers, process: reconcile)
        } onCancel: { [queue] in
            queue.shutDown()
        }
    }
}
