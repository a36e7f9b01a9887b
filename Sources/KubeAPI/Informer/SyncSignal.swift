import Synchronization

/// Tells waiters when an informer's cache first held a complete snapshot.
final class SyncSignal: Sendable {
    private struct State {
        var synced = false
        /// The informer stopped; waiters get `synced` as it is.
        var finished = false
        var waiters: [Int: CheckedContinuation<Bool, Never>] = [:]
        /// Waiters whose task was cancelled before they registered.
        var cancelled: Set<Int> = []
        var nextID = 0
    }

    private let state = Mutex(State())

    var isSynced: Bool { state.withLock { $0.synced } }

    /// Marks the cache synced and wakes every waiter with true.
    func markSynced() {
        let waiters = state.withLock { state in
            state.synced = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: true) }
    }

    /// The informer stopped: wakes every waiter with whether the cache had synced.
    func finish() {
        let (waiters, synced) = state.withLock { state in
            state.finished = true
            defer { state.waiters = [:] }
            return (Array(state.waiters.values), state.synced)
        }
        for waiter in waiters { waiter.resume(returning: synced) }
    }

    /// True once synced; false if the waiting task is cancelled or the informer stops first.
    func wait() async -> Bool {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let answer: Bool? = state.withLock { state in
                    if state.synced { return true }
                    if state.finished || state.cancelled.remove(id) != nil { return false }
                    state.waiters[id] = continuation
                    return nil
                }
                if let answer { continuation.resume(returning: answer) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                let waiter = state.waiters.removeValue(forKey: id)
                if waiter == nil && !state.synced && !state.finished { state.cancelled.insert(id) }
                return waiter
            }
            waiter?.resume(returning: false)
        }
    }
}
