import COpenSSL
import NIOCore

@testable import TestAPIServer

/// A TLS client over two memory BIOs, driven by hand: what it writes is taken out with `output()`, what the server
/// sends is handed in with `receive`. For testing the server's TLS handler byte for byte, with no sockets.
final class MemoryTLSClient {
    private let context: OpaquePointer
    private let ssl: OpaquePointer
    private let fromServer: OpaquePointer
    private let toServer: OpaquePointer

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Trusts `caPEM` for the server's certificate and presents `certificate` when given; offers `alpn`.
    init(
        trusting caPEM: [UInt8], certificate: (certificatePEM: [UInt8], privateKeyPEM: [UInt8])? = nil,
        alpn: [String] = ["h2", "http/1.1"]
    ) throws {
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw Failure(description: "SSL_CTX_new") }
        self.context = context
        guard let ssl = SSL_new(context), let fromServer = BIO_new(BIO_s_mem()), let toServer = BIO_new(BIO_s_mem())
        else { throw Failure(description: "SSL_new") }
        self.ssl = ssl
        self.fromServer = fromServer
        self.toServer = toServer
        barrelman_BIO_set_mem_eof_return_retry(fromServer)
        SSL_set_bio(ssl, fromServer, toServer)
        SSL_set_connect_state(ssl)

        let ca = try OpenSSLCertificate(pem: caPEM)
        guard X509_STORE_add_cert(SSL_CTX_get_cert_store(context), ca.pointer) == 1 else {
            throw Failure(description: "trusting the CA")
        }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        if let certificate {
            let leaf = try OpenSSLCertificate(pem: certificate.certificatePEM)
            let key = try OpenSSLKey(privateKeyPEM: certificate.privateKeyPEM)
            guard SSL_use_certificate(ssl, leaf.pointer) == 1, SSL_use_PrivateKey(ssl, key.pointer) == 1 else {
                throw Failure(description: "using the client certificate")
            }
        }
        let protocols = alpn.flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) }
        guard SSL_set_alpn_protos(ssl, protocols, UInt32(protocols.count)) == 0 else {
            throw Failure(description: "setting ALPN")
        }
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
    }

    /// Runs the handshake as far as the bytes received allow; true once it is complete.
    func handshake() -> Bool {
        SSL_do_handshake(ssl) == 1
    }

    var negotiatedProtocol: String? {
        var data: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &data, &length)
        guard let data, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    func receive(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { bytes in
            guard let base = bytes.baseAddress, bytes.count > 0 else { return }
            _ = BIO_write(fromServer, base, Int32(bytes.count))
        }
    }

    /// What the client wants to send, if anything.
    func output() -> ByteBuffer? {
        let pending = BIO_ctrl_pending(toServer)
        guard pending > 0 else { return nil }
        var buffer = ByteBuffer()
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: pending) { bytes in
            Int(max(0, BIO_read(toServer, bytes.baseAddress, Int32(pending))))
        }
        return buffer
    }

    func write(_ text: String) {
        let bytes = Array(text.utf8)
        _ = SSL_write(ssl, bytes, Int32(bytes.count))
    }

    /// All plaintext received so far.
    func read() -> String {
        var text: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while case let count = SSL_read(ssl, &chunk, Int32(chunk.count)), count > 0 {
            text += chunk[0..<Int(count)]
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Sends close_notify.
    func shutdown() {
        _ = SSL_shutdown(ssl)
    }

    /// Whether the server's close_notify has arrived (read it with `read()` first).
    var receivedCloseNotify: Bool {
        SSL_get_shutdown(ssl) & SSL_RECEIVED_SHUTDOWN != 0
    }
}
