/// Decides how long a failed item waits before it is retried (client-go's `workqueue.TypedRateLimiter`).
public protocol WorkQueueRateLimiter<Key>: Sendable {
    associatedtype Key: Hashable & Sendable
    /// The delay before `key` may be processed again; counts as one more failure of `key`.
    func when(_ key: Key) -> Duration
    /// Resets the failure history of `key` (after it was processed successfully).
    func forget(_ key: Key)
    /// How many times `key` failed since it was last forgotten.
    func numRequeues(_ key: Key) -> Int
}
