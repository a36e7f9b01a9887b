import COpenSSL

/// The server's SSL_CTX, built from `ServerTLSMaterial`: its certificate chain and key, HTTP/1.1 by ALPN, and, when
/// a client CA is given, client certificates requested and verified against it but not required (kube-apiserver's
/// `--client-ca-file`: a client without one may still authenticate with a token).
///
/// Only read after `init` (SSL_new per connection), which OpenSSL allows from any thread: hence @unchecked Sendable.
final class OpenSSLServerContext: @unchecked Sendable {
    private let pointer: OpaquePointer

    init(material: ServerTLSMaterial) throws(ServerTLSError) {
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw ServerTLSError("creating the TLS context")
        }
        pointer = context
        guard barrelman_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) == 1 else {
            throw ServerTLSError("setting the minimum TLS version")
        }
        barrelman_SSL_CTX_disable_renegotiation(context)
        // Sessions resumed by a client carry its verified certificate; OpenSSL refuses to resume without this id.
        let sessionContext = Array("barrelman-test-api-server".utf8)
        guard SSL_CTX_set_session_id_context(context, sessionContext, UInt32(sessionContext.count)) == 1 else {
            throw ServerTLSError("setting the session id context")
        }
        try useCertificateChain(material.certificateChainPEM)
        try usePrivateKey(material.privateKeyPEM)
        if let clientCATrustPEM = material.clientCATrustPEM {
            try verifyClientCertificates(against: clientCATrustPEM)
        }
        SSL_CTX_set_alpn_select_cb(context, selectHTTP11, nil)
    }

    deinit {
        SSL_CTX_free(pointer)
    }

    /// A fresh SSL for one connection; nil when OpenSSL cannot allocate one.
    func makeSSL() -> OpaquePointer? {
        SSL_new(pointer)
    }

    private func useCertificateChain(_ pem: [UInt8]) throws(ServerTLSError) {
        let chain = try Self.certificates(in: pem, what: "the server certificate")
        guard let leaf = chain.first else {
            throw ServerTLSError("reading the server certificate (no certificate in the PEM)")
        }
        guard SSL_CTX_use_certificate(pointer, leaf.pointer) == 1 else {
            throw ServerTLSError("using the server certificate")
        }
        for intermediate in chain.dropFirst() {
            guard barrelman_SSL_CTX_add1_chain_cert(pointer, intermediate.pointer) == 1 else {
                throw ServerTLSError("adding an intermediate certificate")
            }
        }
    }

    private func usePrivateKey(_ pem: [UInt8]) throws(ServerTLSError) {
        let bio = try Self.memoryBIO(pem, what: "the server private key")
        guard let key = PEM_read_bio_PrivateKey(bio.pointer, nil, nil, nil) else {
            throw ServerTLSError("reading the server private key")
        }
        defer { EVP_PKEY_free(key) }
        guard SSL_CTX_use_PrivateKey(pointer, key) == 1, SSL_CTX_check_private_key(pointer) == 1 else {
            throw ServerTLSError("using the server private key")
        }
    }

    private func verifyClientCertificates(against pem: [UInt8]) throws(ServerTLSError) {
        let authorities = try Self.certificates(in: pem, what: "the client CA")
        guard !authorities.isEmpty else {
            throw ServerTLSError("reading the client CA (no certificate in the PEM)")
        }
        guard let store = SSL_CTX_get_cert_store(pointer) else {
            throw ServerTLSError("getting the trust store")
        }
        for authority in authorities {
            // The trust store checks client chains; the CA list tells clients which certificate to send.
            guard X509_STORE_add_cert(store, authority.pointer) == 1,
                SSL_CTX_add_client_CA(pointer, authority.pointer) == 1
            else {
                throw ServerTLSError("trusting the client CA")
            }
        }
        // Without SSL_VERIFY_FAIL_IF_NO_PEER_CERT: a client may send no certificate, but one it sends must verify.
        SSL_CTX_set_verify(pointer, SSL_VERIFY_PEER, nil)
    }

    /// Every certificate in a PEM bundle, in order.
    private static func certificates(in pem: [UInt8], what: String) throws(ServerTLSError) -> [OpenSSLCertificate] {
        let bio = try memoryBIO(pem, what: what)
        var certificates: [OpenSSLCertificate] = []
        while let certificate = PEM_read_bio_X509(bio.pointer, nil, nil, nil) {
            certificates.append(OpenSSLCertificate(owning: certificate))
        }
        ERR_clear_error()  // the read past the last certificate queues "no start line"
        return certificates
    }

    private static func memoryBIO(_ contents: [UInt8], what: String) throws(ServerTLSError) -> OpenSSLMemoryBIO {
        do {
            return try OpenSSLMemoryBIO(contents: contents)
        } catch {
            throw ServerTLSError("reading \(what)")
        }
    }
}

/// ALPN: HTTP/1.1 only, so clients that offer h2 as well fall back to it; a client offering neither gets no ALPN
/// answer and speaks HTTP/1.1 anyway. The answer points into the client's list, which OpenSSL keeps alive.
private func selectHTTP11(
    ssl: OpaquePointer?, selected: UnsafeMutablePointer<UnsafePointer<UInt8>?>?,
    selectedLength: UnsafeMutablePointer<UInt8>?, offered: UnsafePointer<UInt8>?, offeredLength: UInt32,
    argument: UnsafeMutableRawPointer?
) -> Int32 {
    guard let selected, let selectedLength, let offered else { return SSL_TLSEXT_ERR_NOACK }
    let http11 = Array("http/1.1".utf8)
    let list = UnsafeBufferPointer(start: offered, count: Int(offeredLength))
    var index = 0
    while index < list.count {
        let length = Int(list[index])
        let start = index + 1
        guard start + length <= list.count else { break }
        if length == http11.count, list[start..<(start + length)].elementsEqual(http11) {
            selected.pointee = offered + start
            selectedLength.pointee = UInt8(length)
            return SSL_TLSEXT_ERR_OK
        }
        index = start + length
    }
    return SSL_TLSEXT_ERR_NOACK
}
