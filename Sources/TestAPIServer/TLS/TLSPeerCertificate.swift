import COpenSSL

/// The subject of a client certificate that verified against the server's client CA.
struct TLSPeerCertificate: Sendable, Equatable {
    struct NameEntry: Sendable, Equatable {
        /// OpenSSL's short name of the attribute: "CN", "O", ...
        var type: String
        var value: String
    }

    /// In certificate order.
    var subject: [NameEntry]

    init(subject: [NameEntry]) {
        self.subject = subject
    }

    /// Reads the subject of an X509.
    init(subjectOf certificate: OpaquePointer) {
        subject = []
        guard let name = X509_get_subject_name(certificate) else { return }
        for index in 0..<X509_NAME_entry_count(name) {
            guard let entry = X509_NAME_get_entry(name, index),
                let typeName = OBJ_nid2sn(OBJ_obj2nid(X509_NAME_ENTRY_get_object(entry))),
                let value = Self.utf8(X509_NAME_ENTRY_get_data(entry))
            else { continue }
            subject.append(NameEntry(type: String(cString: typeName), value: value))
        }
    }

    /// Any ASN.1 string type (UTF8String, PrintableString, BMPString, ...) as UTF-8; nil when it does not convert.
    private static func utf8(_ string: UnsafePointer<ASN1_STRING>?) -> String? {
        guard let string else { return nil }
        var bytes: UnsafeMutablePointer<UInt8>?
        let count = ASN1_STRING_to_UTF8(&bytes, string)
        guard count >= 0, let bytes else { return nil }
        defer { barrelman_OPENSSL_free(bytes) }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(count)), as: UTF8.self)
    }
}

/// Fired up the pipeline once the TLS handshake completes, before any request bytes.
struct TLSHandshakeCompleted: Sendable {
    /// The client's certificate when it sent one (it then verified: otherwise the handshake fails).
    var peerCertificate: TLSPeerCertificate?
}
