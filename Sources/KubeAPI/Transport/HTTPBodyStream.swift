/// A response whose body is still arriving.
public struct HTTPStreamingResponse: Sendable {
    /// The final HTTP status (interim 1xx responses are skipped).
    public let status: Int
    /// The response headers.
    public let headers: HTTPHeaders
    /// The body, delivered chunk by chunk.
    public let body: HTTPBodyStream
}

/// The body of a streaming response, chunk by chunk as the network delivers it. Ends normally at the end of
/// the response; throws `.interrupted` if the connection broke mid-body. Cancelling the iterating task, or
/// dropping the stream and its iterators, aborts the transfer.
public struct HTTPBodyStream: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    public typealias Failure = TransportError

    let channel: BodyChannel
    let control: TransferControl

    public func makeAsyncIterator() -> Iterator {
        Iterator(channel: channel, control: control)
    }

    public struct Iterator: AsyncIteratorProtocol {
        public typealias Element = [UInt8]
        public typealias Failure = TransportError

        let channel: BodyChannel
        let control: TransferControl

        public mutating func next() async throws(TransportError) -> [UInt8]? {
            try await next(isolation: nil)
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(TransportError) -> [UInt8]? {
            let channel = self.channel
            let control = self.control
            let result = await withTaskCancellationHandler {
                await withCheckedContinuation(isolation: actor) { continuation in
                    if channel.receive(continuation) {
                        control.resume()
                    }
                }
            } onCancel: {
                channel.cancelConsumer()
                control.cancel()
            }
            return try result.get()
        }
    }
}

/// The consumer side's handle on a running transfer: aborts it when the last stream or iterator is dropped.
final class TransferControl: Sendable {
    private let loop: CurlMultiLoop
    private let transfer: CurlTransfer
    /// Keeps the transport (and so its loop) running while someone still reads the body.
    private let owner: AnyObject & Sendable

    init(loop: CurlMultiLoop, transfer: CurlTransfer, owner: AnyObject & Sendable) {
        self.loop = loop
        self.transfer = transfer
        self.owner = owner
    }

    deinit {
        cancel()
    }

    func cancel() {
        guard !transfer.isFinished.load(ordering: .acquiring) else { return }
        loop.cancel(transfer)
    }

    func resume() {
        loop.resume(transfer)
    }
}
