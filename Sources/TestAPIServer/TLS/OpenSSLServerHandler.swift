import Logging
import NIOCore

/// Terminates TLS for one server connection with the system OpenSSL: ciphertext in, plaintext up the pipeline;
/// plaintext written down the pipeline, ciphertext out. Fires `TLSHandshakeCompleted` (with the verified client
/// certificate, if any) before the first plaintext. A failed handshake or a broken record is logged and the
/// connection closed; the SSL is freed with this handler when the channel's pipeline lets it go.
final class OpenSSLServerHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State {
        case handshaking
        case open
        /// The peer sent close_notify and the channel allows half-closure: we may still answer.
        case inputClosed
        case closed
    }

    private let connection: OpenSSLConnection
    private let logger: Logger
    private var state = State.handshaking
    /// Writes from above before the handshake completed, sent once it has.
    private var writesBeforeHandshake: [(data: ByteBuffer, promise: EventLoopPromise<Void>?)] = []
    private var flushBeforeHandshake = false

    init(context: OpenSSLServerContext, logger: Logger) throws(ServerTLSError) {
        connection = try OpenSSLConnection(context: context)
        self.logger = logger
    }

    // MARK: inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard state == .handshaking || state == .open else { return }  // nothing follows close_notify or a failure
        if case .failed(let reason) = connection.receive(unwrapInboundIn(data)) {
            return fail(context: context, reason)
        }
        if state == .handshaking {
            switch connection.handshake() {
            case .done:
                state = .open
                context.fireUserInboundEventTriggered(
                    TLSHandshakeCompleted(peerCertificate: connection.verifiedPeerCertificate()))
                sendWritesBeforeHandshake(context: context)
            case .needsInput:
                return sendOutput(context: context)
            case .closedByPeer:
                return fail(context: context, "the client closed the connection during the handshake")
            case .failed(let reason):
                return fail(context: context, "handshake: " + reason)
            }
        }
        guard state == .open else { return }
        var plaintext = context.channel.allocator.buffer(capacity: 0)
        let outcome = connection.read(into: &plaintext)
        sendOutput(context: context)  // session tickets, key updates
        if plaintext.readableBytes > 0 {
            context.fireChannelRead(wrapInboundOut(plaintext))
        }
        guard state == .open else { return }  // a handler above may have closed the channel while reading
        switch outcome {
        case .done, .needsInput:
            break
        case .closedByPeer:
            peerSentCloseNotify(context: context)
        case .failed(let reason):
            fail(context: context, reason)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        state = .closed
        failWritesBeforeHandshake()
        context.fireChannelInactive()
    }

    private func peerSentCloseNotify(context: ChannelHandlerContext) {
        // Like a TCP half-close: only channels that asked for half-closure keep their output open.
        if (try? context.channel.syncOptions?.getOption(.allowRemoteHalfClosure)) == true {
            state = .inputClosed
            context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        } else {
            // Answer with ours and close: `context.close` goes past this handler's own `close`.
            state = .closed
            connection.shutdown()
            sendOutput(context: context)
            context.close(promise: nil)
        }
    }

    /// Logs why the connection cannot go on, sends any alert OpenSSL queued, and closes.
    private func fail(context: ChannelHandlerContext, _ reason: String) {
        logger.debug(
            "test API server: closing a TLS connection",
            metadata: ["peer": "\(context.channel.remoteAddress?.description ?? "?")", "reason": "\(reason)"])
        state = .closed
        failWritesBeforeHandshake()
        sendOutput(context: context)
        context.close(promise: nil)
    }

    // MARK: outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let plaintext = unwrapOutboundIn(data)
        switch state {
        case .handshaking:
            writesBeforeHandshake.append((plaintext, promise))
        case .open, .inputClosed:
            encrypt(context: context, plaintext, promise: promise)
        case .closed:
            promise?.fail(ChannelError.ioOnClosedChannel)
        }
    }

    func flush(context: ChannelHandlerContext) {
        if state == .handshaking {
            flushBeforeHandshake = true
        } else {
            context.flush()
        }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        switch mode {
        case .all:
            if state == .open || state == .inputClosed {
                // Sent without waiting for the peer's: idle clients rarely answer, and stop() must not wait.
                connection.shutdown()
                sendOutput(context: context)
            }
            state = .closed
            failWritesBeforeHandshake()
        case .output:
            connection.shutdown()
            sendOutput(context: context)
        case .input:
            break
        }
        context.close(mode: mode, promise: promise)
    }

    private func encrypt(context: ChannelHandlerContext, _ plaintext: ByteBuffer, promise: EventLoopPromise<Void>?) {
        if case .failed(let reason) = connection.write(plaintext) {
            promise?.fail(ServerTLSError("encrypting a response", reason: reason))
            return fail(context: context, reason)
        }
        // An empty write still goes down, so promises complete in order.
        let ciphertext = connection.takeOutput(allocator: context.channel.allocator)
        context.write(wrapOutboundOut(ciphertext ?? context.channel.allocator.buffer(capacity: 0)), promise: promise)
    }

    private func sendWritesBeforeHandshake(context: ChannelHandlerContext) {
        sendOutput(context: context)  // the handshake's last messages go first
        let writes = writesBeforeHandshake
        writesBeforeHandshake = []
        for write in writes {
            guard state == .open else {
                write.promise?.fail(ChannelError.ioOnClosedChannel)
                continue
            }
            encrypt(context: context, write.data, promise: write.promise)
        }
        if flushBeforeHandshake {
            flushBeforeHandshake = false
            context.flush()
        }
    }

    private func failWritesBeforeHandshake() {
        let writes = writesBeforeHandshake
        writesBeforeHandshake = []
        for write in writes {
            write.promise?.fail(ChannelError.ioOnClosedChannel)
        }
    }

    /// Sends whatever ciphertext OpenSSL has queued.
    private func sendOutput(context: ChannelHandlerContext) {
        guard let ciphertext = connection.takeOutput(allocator: context.channel.allocator) else { return }
        context.writeAndFlush(wrapOutboundOut(ciphertext), promise: nil)
    }
}
