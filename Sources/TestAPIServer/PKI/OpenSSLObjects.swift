import COpenSSL

// Owning wrappers around OpenSSL objects: each frees its pointer in deinit, so no error path leaks.

/// An EVP_PKEY.
final class OpenSSLKey {
    let pointer: OpaquePointer

    private init(pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(pointer)
    }

    /// A fresh EC key on P-256: fast to generate, supported by every TLS client that matters.
    static func generateP256() throws -> OpenSSLKey {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
            throw TestCertificateAuthorityError("creating the key generation context")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_group_name(context, "P-256") == 1 else {
            throw TestCertificateAuthorityError("configuring P-256 key generation")
        }
        var key: OpaquePointer?
        guard EVP_PKEY_generate(context, &key) == 1, let key else {
            throw TestCertificateAuthorityError("generating a P-256 key")
        }
        return OpenSSLKey(pointer: key)
    }

    convenience init(privateKeyPEM: [UInt8]) throws {
        let bio = try OpenSSLMemoryBIO(contents: privateKeyPEM)
        guard let key = PEM_read_bio_PrivateKey(bio.pointer, nil, nil, nil) else {
            throw TestCertificateAuthorityError("reading the CA private key")
        }
        self.init(pointer: key)
    }

    /// PKCS#8 PEM (`BEGIN PRIVATE KEY`), unencrypted.
    func privateKeyPEM() throws -> [UInt8] {
        let bio = try OpenSSLMemoryBIO()
        guard PEM_write_bio_PrivateKey(bio.pointer, pointer, nil, nil, 0, nil, nil) == 1 else {
            throw TestCertificateAuthorityError("writing a private key as PEM")
        }
        return bio.contents()
    }
}

/// An X509_NAME built from a common name and organizations.
final class OpenSSLName {
    let pointer: OpaquePointer

    init(commonName: String, organizations: [String]) throws {
        guard let name = X509_NAME_new() else {
            throw TestCertificateAuthorityError("allocating a certificate name")
        }
        pointer = name
        for organization in organizations {
            try add(field: "O", value: organization)
        }
        try add(field: "CN", value: commonName)
    }

    deinit {
        X509_NAME_free(pointer)
    }

    private func add(field: String, value: String) throws {
        let bytes = Array(value.utf8)
        guard X509_NAME_add_entry_by_txt(pointer, field, MBSTRING_UTF8, bytes, Int32(bytes.count), -1, 0) == 1
        else {
            throw TestCertificateAuthorityError("adding \(field) to a certificate name")
        }
    }
}

/// An X509 certificate under construction or read from PEM.
final class OpenSSLCertificate {
    let pointer: OpaquePointer

    deinit {
        X509_free(pointer)
    }

    /// Takes over a certificate the caller holds a reference to.
    init(owning pointer: OpaquePointer) {
        self.pointer = pointer
    }

    init(pem: [UInt8]) throws {
        let bio = try OpenSSLMemoryBIO(contents: pem)
        guard let certificate = PEM_read_bio_X509(bio.pointer, nil, nil, nil) else {
            throw TestCertificateAuthorityError("reading the CA certificate")
        }
        pointer = certificate
    }

    /// A v3 certificate with a random serial, valid from an hour ago for a year.
    init(subject: OpenSSLName, issuer: OpaquePointer, publicKey: OpenSSLKey) throws {
        guard let certificate = X509_new() else {
            throw TestCertificateAuthorityError("allocating a certificate")
        }
        pointer = certificate
        guard X509_set_version(certificate, 2) == 1 else {
            throw TestCertificateAuthorityError("setting the certificate version")
        }
        try Self.setRandomSerial(certificate)
        guard X509_gmtime_adj(X509_getm_notBefore(certificate), -3600) != nil,
            X509_gmtime_adj(X509_getm_notAfter(certificate), 365 * 24 * 3600) != nil
        else {
            throw TestCertificateAuthorityError("setting the validity period")
        }
        guard X509_set_subject_name(certificate, subject.pointer) == 1,
            X509_set_issuer_name(certificate, issuer) == 1,
            X509_set_pubkey(certificate, publicKey.pointer) == 1
        else {
            throw TestCertificateAuthorityError("setting subject, issuer and public key")
        }
    }

    convenience init(subject: OpenSSLName, issuer: OpenSSLName, publicKey: OpenSSLKey) throws {
        try self.init(subject: subject, issuer: issuer.pointer, publicKey: publicKey)
    }

    /// The subject name, borrowed: valid while this certificate lives.
    func subjectName() throws -> OpaquePointer {
        guard let name = X509_get_subject_name(pointer) else {
            throw TestCertificateAuthorityError("reading the CA subject")
        }
        return name
    }

    /// Adds v3 extensions given in OpenSSL's config syntax (`critical,CA:TRUE`, `DNS:a,IP:1.2.3.4`, ...).
    func addExtensions(issuer: OpenSSLCertificate, _ extensions: [(Int32, String)]) throws {
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer.pointer, pointer, nil, nil, 0)
        for (nid, value) in extensions {
            guard let extensionPointer = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
                throw TestCertificateAuthorityError("building extension \(value)")
            }
            defer { X509_EXTENSION_free(extensionPointer) }
            guard X509_add_ext(pointer, extensionPointer, -1) == 1 else {
                throw TestCertificateAuthorityError("adding extension \(value)")
            }
        }
    }

    func sign(with key: OpenSSLKey) throws {
        guard X509_sign(pointer, key.pointer, EVP_sha256()) > 0 else {
            throw TestCertificateAuthorityError("signing a certificate")
        }
    }

    func pem() throws -> [UInt8] {
        let bio = try OpenSSLMemoryBIO()
        guard PEM_write_bio_X509(bio.pointer, pointer) == 1 else {
            throw TestCertificateAuthorityError("writing a certificate as PEM")
        }
        return bio.contents()
    }

    private static func setRandomSerial(_ certificate: OpaquePointer) throws {
        var random = [UInt8](repeating: 0, count: 16)
        guard RAND_bytes(&random, Int32(random.count)) == 1 else {
            throw TestCertificateAuthorityError("generating a serial number")
        }
        random[0] &= 0x7f  // serials must be positive
        guard let number = BN_bin2bn(random, Int32(random.count), nil) else {
            throw TestCertificateAuthorityError("generating a serial number")
        }
        defer { BN_free(number) }
        guard BN_to_ASN1_INTEGER(number, X509_get_serialNumber(certificate)) != nil else {
            throw TestCertificateAuthorityError("setting the serial number")
        }
    }
}

/// A memory BIO, for PEM in and out.
final class OpenSSLMemoryBIO {
    let pointer: OpaquePointer

    init() throws {
        guard let bio = BIO_new(BIO_s_mem()) else {
            throw TestCertificateAuthorityError("allocating a memory BIO")
        }
        pointer = bio
    }

    init(contents: [UInt8]) throws {
        guard let bio = BIO_new(BIO_s_mem()) else {
            throw TestCertificateAuthorityError("allocating a memory BIO")
        }
        pointer = bio
        guard contents.isEmpty || BIO_write(bio, contents, Int32(contents.count)) == Int32(contents.count) else {
            throw TestCertificateAuthorityError("filling a memory BIO")
        }
    }

    deinit {
        BIO_free(pointer)
    }

    func contents() -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = BIO_read(pointer, &buffer, Int32(buffer.count))
            if count <= 0 { break }
            result.append(contentsOf: buffer[0..<Int(count)])
        }
        return result
    }
}
