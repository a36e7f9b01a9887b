/// Receives a work queue's events, for metrics (client-go's workqueue metrics provider).
public protocol WorkQueueMetrics: Sendable {
    /// An item was added (not counted when it was already queued).
    func added(queue: String)
    /// The number of queued (not processing) items changed.
    func depthChanged(queue: String, depth: Int)
    /// An item was scheduled for a delayed (usually rate-limited) add.
    func retried(queue: String)
    /// An item was handed to a worker after waiting `duration` in the queue.
    func queuedFor(queue: String, duration: Duration)
    /// A worker finished an item after `duration`.
    func processed(queue: String, duration: Duration)
}
