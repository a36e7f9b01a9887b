import COpenSSL

/// RSASSA-PKCS1-v1_5 with SHA-256 (JWS `RS256`) through the system OpenSSL.
struct RS256Signer: Sendable {
    /// The key stays PEM and is parsed per signature (about once an hour), so the signer holds no C pointer.
    private let privateKeyPEM: [UInt8]

    /// Checks that `privateKeyPEM` holds an RSA private key.
    init(privateKeyPEM: [UInt8]) throws(SigningError) {
        self.privateKeyPEM = privateKeyPEM
        let key = try Self.readKey(privateKeyPEM)
        defer { EVP_PKEY_free(key) }
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA else {
            throw SigningError(reason: "the key is not an RSA key")
        }
    }

    /// The signature over `message`.
    func sign(_ message: [UInt8]) throws(SigningError) -> [UInt8] {
        let key = try Self.readKey(privateKeyPEM)
        defer { EVP_PKEY_free(key) }
        guard let context = EVP_MD_CTX_new() else { throw SigningError.fromOpenSSL("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key) == 1 else {
            throw SigningError.fromOpenSSL("EVP_DigestSignInit")
        }
        var length = 0
        let sized = message.withUnsafeBufferPointer { input in
            EVP_DigestSign(context, nil, &length, input.baseAddress, input.count)
        }
        guard sized == 1, length > 0 else { throw SigningError.fromOpenSSL("EVP_DigestSign (size)") }
        var signature = [UInt8](repeating: 0, count: length)
        let signed = message.withUnsafeBufferPointer { input in
            signature.withUnsafeMutableBufferPointer { output in
                EVP_DigestSign(context, output.baseAddress, &length, input.baseAddress, input.count)
            }
        }
        guard signed == 1 else { throw SigningError.fromOpenSSL("EVP_DigestSign") }
        return Array(signature.prefix(length))
    }

    private static func readKey(_ pem: [UInt8]) throws(SigningError) -> OpaquePointer {
        let key: OpaquePointer? = pem.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress, let bio = BIO_new_mem_buf(base, Int32(buffer.count)) else {
                return nil
            }
            defer { BIO_free(bio) }
            // Without a callback OpenSSL asks for the passphrase of an encrypted key on the terminal or
            // stdin and waits; a daemon must fail instead.
            return PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in -1 }, nil)
        }
        guard let key else { throw SigningError.fromOpenSSL("PEM_read_bio_PrivateKey") }
        return key
    }
}

/// Why signing failed; `reason` is OpenSSL's text, which never contains key material.
struct SigningError: Error, Sendable {
    var reason: String

    static func fromOpenSSL(_ step: String) -> SigningError {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return SigningError(reason: "\(step) failed") }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return SigningError(reason: "\(step): \(text)")
    }
}
