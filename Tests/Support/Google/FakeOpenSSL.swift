import COpenSSL
import Foundation

/// OpenSSL helpers for the fake Google services: RSA keys and RS256 verification.
enum FakeOpenSSL {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// A fresh RSA-2048 key: (PKCS#8 private PEM, SubjectPublicKeyInfo public PEM).
    static func generateRSAKey() throws -> (privatePEM: String, publicPEM: String) {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "RSA", nil) else { throw Failure(description: "RSA ctx") }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_rsa_keygen_bits(context, 2048) == 1 else {
            throw Failure(description: "RSA keygen init")
        }
        var generated: OpaquePointer?
        guard EVP_PKEY_generate(context, &generated) == 1, let key = generated else {
            throw Failure(description: "RSA keygen")
        }
        defer { EVP_PKEY_free(key) }
        let privatePEM = try writePEM { PEM_write_bio_PrivateKey($0, key, nil, nil, 0, nil, nil) }
        let publicPEM = try writePEM { PEM_write_bio_PUBKEY($0, key) }
        return (privatePEM, publicPEM)
    }

    /// True when `signature` is a valid RS256 signature of `message` by the key in `publicKeyPEM`.
    static func verifyRS256(message: [UInt8], signature: [UInt8], publicKeyPEM: String) -> Bool {
        let pem = Array(publicKeyPEM.utf8)
        let key: OpaquePointer? = pem.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PUBKEY(bio, nil, nil, nil)
        }
        guard let key else {
            ERR_clear_error()
            return false
        }
        defer { EVP_PKEY_free(key) }
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, key) == 1 else {
            ERR_clear_error()
            return false
        }
        let result = signature.withUnsafeBufferPointer { sig in
            message.withUnsafeBufferPointer { msg in
                EVP_DigestVerify(context, sig.baseAddress, sig.count, msg.baseAddress, msg.count)
            }
        }
        ERR_clear_error()
        return result == 1
    }

    private static func writePEM(_ write: (OpaquePointer) -> Int32) throws -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw Failure(description: "BIO_new") }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw Failure(description: "PEM write") }
        var pointer: UnsafeMutablePointer<CChar>?
        let length = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &pointer)
        guard let pointer, length > 0 else { throw Failure(description: "PEM read back") }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: Int(length)), as: UTF8.self)
    }

    /// base64url (padding optional) to bytes.
    static func base64URLDecode(_ text: Substring) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map(Array.init)
    }
}
