import Synchronization

/// Gives every write its place on one timeline shared by all writers, as `WriteCostModel` describes: the write
/// is applied (gets its resourceVersion and reaches watches) when its time in the shared stage ends, and
/// answered its unshared latency after that. Waiting is `Task.sleep` in the request's task, never a blocked thread or event loop.
///
/// Writes are applied in the order they arrived even when their timers fire out of order, so resourceVersions
/// and watch events follow arrival order as they would behind etcd's single commit log.
final class WriteScheduler: Sendable {
    private struct State {
        /// When the shared stage is free again, after every write reserved so far.
        var sharedStageFreeAt: ContinuousClock.Instant
        var nextTicket: UInt64 = 0
        /// Tickets below this have been applied.
        var nextToApply: UInt64 = 0
        /// Writes whose time has come but whose predecessors are not applied yet.
        var waiting: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    let model: WriteCostModel
    private let state: Mutex<State>

    init(model: WriteCostModel) {
        self.model = model
        self.state = Mutex(State(sharedStageFreeAt: .now))
    }

    /// A write's place on the timeline. Every reservation must end with `respond`: later writes wait for it.
    struct Reservation: Sendable {
        fileprivate let ticket: UInt64
        fileprivate let applyAt: ContinuousClock.Instant
        fileprivate let respondAt: ContinuousClock.Instant
    }

    /// Takes the next place on the timeline for a write with `verb` and a body of `bodyBytes`. Synchronous, so
    /// that a caller counting the request just before knows that every counted write has its place.
    func reserve(verb: String, bodyBytes: Int) -> Reservation {
        let cost = model.sharedCost(verb: verb, bodyBytes: bodyBytes)
        let latency = model.unsharedLatency(bodyBytes: bodyBytes)
        return state.withLock { state in
            let start = max(ContinuousClock.now, state.sharedStageFreeAt)
            let applyAt = start + cost
            state.sharedStageFreeAt = applyAt
            defer { state.nextTicket += 1 }
            return Reservation(ticket: state.nextTicket, applyAt: applyAt, respondAt: applyAt + latency)
        }
    }

    /// Runs `body` (the store change) at the reservation's turn: once its time in the shared stage is over and
    /// every earlier write has had its turn. Decoding the request and encoding the response stay outside, in
    /// parallel, as in kube-apiserver. A request cancelled while waiting (its client went away) is applied at
    /// its turn without further waiting, as kube-apiserver finishes a write whose client disconnected.
    func commit<Result, Failure: Error>(
        _ reservation: Reservation, _ body: () throws(Failure) -> Result
    ) async throws(Failure) -> Result {
        try? await Task.sleep(until: reservation.applyAt, clock: .continuous)
        await waitForTurn(reservation.ticket)
        defer { finishTurn(reservation.ticket) }
        return try body()
    }

    /// Waits until the write's response is due. A write that failed before reaching the store (a bad body,
    /// say) still passes its turn, so that later writes are not held up waiting for it.
    func respond(_ reservation: Reservation) async {
        let committed = state.withLock { $0.nextToApply > reservation.ticket }
        if !committed { await commit(reservation) {} }
        try? await Task.sleep(until: reservation.respondAt, clock: .continuous)
    }

    private func waitForTurn(_ ticket: UInt64) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let due = state.withLock { state -> Bool in
                if state.nextToApply == ticket { return true }
                state.waiting[ticket] = continuation
                return false
            }
            if due { continuation.resume() }
        }
    }

    private func finishTurn(_ ticket: UInt64) {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.nextToApply = ticket + 1
            return state.waiting.removeValue(forKey: ticket + 1)
        }
        next?.resume()
    }
}
