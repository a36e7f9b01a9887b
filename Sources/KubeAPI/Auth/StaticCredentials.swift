/// A fixed token, username/password or client certificate: nothing to refresh.
public struct StaticCredentials: CredentialSource, CustomStringConvertible {
    /// The credential returned on every call.
    public let value: Credential

    public init(_ value: Credential) {
        self.value = value
    }

    /// A bearer token from the kubeconfig (`token`).
    public static func token(_ token: String) -> StaticCredentials {
        StaticCredentials(Credential(bearerToken: token))
    }

    /// HTTP basic authentication (`username`/`password`).
    public static func basic(username: String, password: String) -> StaticCredentials {
        StaticCredentials(Credential(basic: BasicAuth(username: username, password: password)))
    }

    /// A client certificate and key, PEM.
    public static func clientCertificate(certificatePEM: [UInt8], keyPEM: [UInt8]) -> StaticCredentials {
        StaticCredentials(Credential(clientCertificatePEM: certificatePEM, clientKeyPEM: keyPEM))
    }

    public func credential() async throws(ConfigError) -> Credential { value }

    public func invalidate() async {}

    public var description: String { "StaticCredentials(\(value))" }
}
