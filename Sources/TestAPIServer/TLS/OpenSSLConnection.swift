import COpenSSL
import NIOCore

/// One server-side SSL over two memory BIOs: ciphertext received from the socket is fed into one, and what OpenSSL
/// writes to the other is taken out to send. No I/O of its own; freed (with both BIOs) when released.
final class OpenSSLConnection {
    /// What an OpenSSL call came to.
    enum Outcome: Equatable {
        case done
        /// OpenSSL needs more bytes from the peer; everything it has is used up.
        case needsInput
        /// The peer sent close_notify: it sends nothing more.
        case closedByPeer
        case failed(String)
    }

    private let ssl: OpaquePointer
    /// Ciphertext from the peer, for OpenSSL to read.
    private let received: OpaquePointer
    /// Ciphertext OpenSSL wrote, to send to the peer.
    private let toSend: OpaquePointer

    init(context: OpenSSLServerContext) throws(ServerTLSError) {
        ERR_clear_error()
        guard let ssl = context.makeSSL() else {
            throw ServerTLSError("creating a TLS connection")
        }
        guard let received = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw ServerTLSError("creating a TLS connection's input buffer")
        }
        guard let toSend = BIO_new(BIO_s_mem()) else {
            BIO_free(received)
            SSL_free(ssl)
            throw ServerTLSError("creating a TLS connection's output buffer")
        }
        // An empty input BIO means "wait for more" (SSL_ERROR_WANT_READ), not end of stream.
        barrelman_BIO_set_mem_eof_return_retry(received)
        barrelman_BIO_set_mem_eof_return_retry(toSend)
        SSL_set_bio(ssl, received, toSend)  // the SSL owns both BIOs from here
        SSL_set_accept_state(ssl)
        self.ssl = ssl
        self.received = received
        self.toSend = toSend
    }

    deinit {
        SSL_free(ssl)
    }

    /// Hands ciphertext from the peer to OpenSSL. Memory BIOs grow, so this only fails without memory.
    func receive(_ buffer: ByteBuffer) -> Outcome {
        let written = buffer.withUnsafeReadableBytes { bytes -> Bool in
            guard let base = bytes.baseAddress, bytes.count > 0 else { return true }
            return BIO_write(received, base, Int32(clamping: bytes.count)) == Int32(clamping: bytes.count)
        }
        return written ? .done : .failed("buffering received bytes: " + (OpenSSLErrorQueue.drain() ?? "out of memory"))
    }

    /// Ciphertext OpenSSL produced since the last call (handshake messages, records, alerts, close_notify), if any.
    func takeOutput(allocator: ByteBufferAllocator) -> ByteBuffer? {
        let pending = BIO_ctrl_pending(toSend)
        guard pending > 0 else { return nil }
        var buffer = allocator.buffer(capacity: pending)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: pending) { bytes in
            guard let base = bytes.baseAddress else { return 0 }
            return Int(max(0, BIO_read(toSend, base, Int32(clamping: pending))))
        }
        return buffer
    }

    func handshake() -> Outcome {
        ERR_clear_error()
        let result = SSL_do_handshake(ssl)
        return result == 1 ? .done : outcome(of: result)
    }

    /// Decrypts all the plaintext the received bytes hold into `plaintext`; says why it stopped.
    func read(into plaintext: inout ByteBuffer) -> Outcome {
        while true {
            ERR_clear_error()
            var result: Int32 = 0
            plaintext.writeWithUnsafeMutableBytes(minimumWritableBytes: 16 * 1024) { bytes in
                guard let base = bytes.baseAddress else { return 0 }
                result = SSL_read(ssl, base, Int32(clamping: bytes.count))
                return result > 0 ? Int(result) : 0
            }
            if result <= 0 {
                return outcome(of: result)
            }
        }
    }

    /// Encrypts `plaintext` into records waiting in the output; all of it, as the output BIO never fills.
    func write(_ plaintext: ByteBuffer) -> Outcome {
        plaintext.withUnsafeReadableBytes { bytes -> Outcome in
            guard let base = bytes.baseAddress, bytes.count > 0 else { return .done }
            var offset = 0
            while offset < bytes.count {
                ERR_clear_error()
                let result = SSL_write(ssl, base + offset, Int32(clamping: bytes.count - offset))
                guard result > 0 else { return outcome(of: result) }
                offset += Int(result)
            }
            return .done
        }
    }

    /// Queues close_notify, once, and only after the handshake (OpenSSL refuses it before).
    func shutdown() {
        guard SSL_is_init_finished(ssl) == 1, SSL_get_shutdown(ssl) & SSL_SENT_SHUTDOWN == 0 else { return }
        ERR_clear_error()
        _ = SSL_shutdown(ssl)  // 0: ours is queued, the peer's not seen; we do not wait for it
        ERR_clear_error()
    }

    /// The client's certificate if it sent one that verified against the client CA.
    func verifiedPeerCertificate() -> TLSPeerCertificate? {
        guard let certificate = SSL_get1_peer_certificate(ssl) else { return nil }
        defer { X509_free(certificate) }
        guard SSL_get_verify_result(ssl) == Int(X509_V_OK) else { return nil }
        return TLSPeerCertificate(subjectOf: certificate)
    }

    private func outcome(of result: Int32) -> Outcome {
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            // WANT_WRITE cannot happen with a memory BIO (it grows); either way the caller sends what is queued.
            return .needsInput
        case SSL_ERROR_ZERO_RETURN:
            return .closedByPeer
        case let code:
            var reasons: [String] = []
            if let queued = OpenSSLErrorQueue.drain() {
                reasons.append(queued)
            }
            let verification = SSL_get_verify_result(ssl)
            if verification != Int(X509_V_OK), let text = X509_verify_cert_error_string(verification) {
                reasons.append("client certificate: " + String(cString: text))
            }
            if reasons.isEmpty {
                reasons.append(code == SSL_ERROR_SYSCALL ? "the connection ended mid-record" : "SSL error \(code)")
            }
            return .failed(reasons.joined(separator: "; "))
        }
    }
}
