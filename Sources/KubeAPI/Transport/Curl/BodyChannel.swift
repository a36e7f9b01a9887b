import DequeModule
import Synchronization

/// The buffer between the loop thread, which offers body chunks, and the task iterating `HTTPBodyStream`.
///
/// Backpressure: once more than `highWater` bytes wait unread, `offer` refuses and the transfer pauses
/// (CURL_WRITEFUNC_PAUSE); the consumer asks for a resume when the backlog drops under half of it.
final class BodyChannel: Sendable {
    static let highWater = 4 << 20

    enum Offer: Equatable {
        case accepted
        case pause
    }

    typealias Continuation = CheckedContinuation<Result<[UInt8]?, TransportError>, Never>

    private struct State {
        var chunks = Deque<[UInt8]>()
        var bufferedBytes = 0
        var waiter: Continuation?
        /// nil while the body flows; `.success` for a clean end, `.failure` for a broken or cancelled one.
        var end: Result<Void, TransportError>?
        var endDelivered = false
        var paused = false
    }

    private let state = Mutex(State())

    // MARK: producer (loop thread)

    func offer(_ bytes: [UInt8]) -> Offer {
        let (offer, waiter): (Offer, Continuation?) = state.withLock { state in
            if state.end != nil { return (.accepted, nil) }  // consumer gone; the abort is on its way
            if let waiter = state.waiter {
                state.waiter = nil
                return (.accepted, waiter)
            }
            if state.bufferedBytes >= Self.highWater {
                state.paused = true
                return (.pause, nil)  // libcurl hands the same bytes again after the resume
            }
            state.chunks.append(bytes)
            state.bufferedBytes += bytes.count
            return (.accepted, nil)
        }
        waiter?.resume(returning: .success(bytes))
        return offer
    }

    /// The body ended: cleanly (nil) or with `error`. Buffered chunks are still delivered first.
    func finish(_ error: TransportError?) {
        let waiter: Continuation? = state.withLock { state in
            guard state.end == nil else { return nil }
            state.end = error.map { .failure($0) } ?? .success(())
            guard let waiter = state.waiter else { return nil }
            state.waiter = nil
            state.endDelivered = true
            return waiter
        }
        waiter?.resume(returning: error.map { .failure($0) } ?? .success(nil))
    }

    // MARK: consumer

    /// Answers `continuation` now or when the next chunk or the end arrives.
    /// Returns true when the transfer was paused and may now resume.
    func receive(_ continuation: Continuation) -> Bool {
        let (answer, shouldResume): (Result<[UInt8]?, TransportError>?, Bool) = state.withLock { state in
            if let chunk = state.chunks.popFirst() {
                state.bufferedBytes -= chunk.count
                let resume = state.paused && state.bufferedBytes <= Self.highWater / 2
                if resume { state.paused = false }
                return (.success(chunk), resume)
            }
            if let end = state.end {
                if state.endDelivered { return (.success(nil), false) }
                state.endDelivered = true
                switch end {
                case .success: return (.success(nil), false)
                case .failure(let error): return (.failure(error), false)
                }
            }
            state.waiter = continuation
            return (nil, false)
        }
        if let answer {
            continuation.resume(returning: answer)
        }
        return shouldResume
    }

    /// The consuming task was cancelled: drop the backlog and fail the pending `next()` with `.cancelled`.
    func cancelConsumer() {
        let waiter: Continuation? = state.withLock { state in
            state.chunks.removeAll()
            state.bufferedBytes = 0
            if state.end == nil || !state.endDelivered {
                state.end = .failure(.cancelled)
            }
            guard let waiter = state.waiter else { return nil }
            state.waiter = nil
            state.endDelivered = true
            return waiter
        }
        waiter?.resume(returning: .failure(.cancelled))
    }
}
