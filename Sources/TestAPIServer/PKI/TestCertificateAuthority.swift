import COpenSSL

/// A throwaway certificate authority for tests: issues server and client certificates signed by itself.
public struct TestCertificateAuthority: Sendable {
    /// The CA certificate, PEM; what clients put in `certificate-authority-data`.
    public let certificatePEM: [UInt8]
    /// The CA's private key, PEM. Stays inside this struct; only used to sign.
    private let privateKeyPEM: [UInt8]

    private static let validityBackdate: Int = 3600
    private static let validityDuration: Int = 365 * 24 * 3600

    /// Creates a fresh self-signed CA with an EC P-256 key, valid from an hour ago for a year.
    public static func generate(commonName: String = "barrelman-test-ca") throws -> TestCertificateAuthority {
        let key = try OpenSSLKey.generateP256()
        let subject = try OpenSSLName(commonName: commonName, organizations: [])
        let certificate = try OpenSSLCertificate(subject: subject, issuer: subject, publicKey: key)
        try certificate.addExtensions(
            issuer: certificate,
            [
                (NID_basic_constraints, "critical,CA:TRUE"),
                (NID_key_usage, "critical,keyCertSign,cRLSign"),
                (NID_subject_key_identifier, "hash"),
            ])
        try certificate.sign(with: key)
        return TestCertificateAuthority(
            certificatePEM: try certificate.pem(), privateKeyPEM: try key.privateKeyPEM())
    }

    /// Issues a TLS server certificate for the given names and addresses (subjectAltName).
    public func issueServerCertificate(
        dnsNames: [String] = ["localhost"], ipAddresses: [String] = ["127.0.0.1"]
    ) throws -> (certificatePEM: [UInt8], privateKeyPEM: [UInt8]) {
        let alternativeNames = (dnsNames.map { "DNS:\($0)" } + ipAddresses.map { "IP:\($0)" })
            .joined(separator: ",")
        var extensions: [(Int32, String)] = [
            (NID_basic_constraints, "critical,CA:FALSE"),
            (NID_key_usage, "critical,digitalSignature"),
            (NID_ext_key_usage, "serverAuth"),
        ]
        if !alternativeNames.isEmpty {
            extensions.append((NID_subject_alt_name, alternativeNames))
        }
        return try issue(
            commonName: dnsNames.first ?? ipAddresses.first ?? "server", organizations: [],
            extensions: extensions)
    }

    /// Issues a TLS client certificate; Kubernetes reads CN as the user name and each O as a group.
    public func issueClientCertificate(
        commonName: String, organizations: [String] = []
    ) throws -> (certificatePEM: [UInt8], privateKeyPEM: [UInt8]) {
        try issue(
            commonName: commonName, organizations: organizations,
            extensions: [
                (NID_basic_constraints, "critical,CA:FALSE"),
                (NID_key_usage, "critical,digitalSignature"),
                (NID_ext_key_usage, "clientAuth"),
            ])
    }

    private func issue(
        commonName: String, organizations: [String], extensions: [(Int32, String)]
    ) throws -> (certificatePEM: [UInt8], privateKeyPEM: [UInt8]) {
        let caKey = try OpenSSLKey(privateKeyPEM: privateKeyPEM)
        let caCertificate = try OpenSSLCertificate(pem: certificatePEM)
        let key = try OpenSSLKey.generateP256()
        let subject = try OpenSSLName(commonName: commonName, organizations: organizations)
        let certificate = try OpenSSLCertificate(
            subject: subject, issuer: caCertificate.subjectName(), publicKey: key)
        try certificate.addExtensions(
            issuer: caCertificate,
            extensions + [
                (NID_subject_key_identifier, "hash"),
                (NID_authority_key_identifier, "keyid:always"),
            ])
        try certificate.sign(with: caKey)
        return (try certificate.pem(), try key.privateKeyPEM())
    }
}

/// Why the test CA could not produce a certificate; carries OpenSSL's reason.
public struct TestCertificateAuthorityError: Error, CustomStringConvertible {
    public let description: String

    init(_ step: String) {
        let code = ERR_get_error()
        ERR_clear_error()
        if code == 0 {
            description = "test CA: \(step) failed"
        } else {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            let reason = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            description = "test CA: \(step) failed: \(reason)"
        }
    }
}
