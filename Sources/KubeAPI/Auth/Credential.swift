/// What a request presents to the API server to authenticate. Descriptions never show secret material.
public struct Credential: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Sent as `Authorization: Bearer <token>`.
    public var bearerToken: String?
    /// Sent as `Authorization: Basic ...`.
    public var basic: BasicAuth?
    /// Client certificate and key (PEM) from an exec plugin; when set they replace `TLSSettings`' client pair.
    public var clientCertificatePEM: [UInt8]?
    /// The key for `clientCertificatePEM`.
    public var clientKeyPEM: [UInt8]?

    public init(
        bearerToken: String? = nil, basic: BasicAuth? = nil, clientCertificatePEM: [UInt8]? = nil,
        clientKeyPEM: [UInt8]? = nil
    ) {
        self.bearerToken = bearerToken
        self.basic = basic
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
    }

    /// No authentication at all.
    public static let none = Credential()

    /// True when nothing would be sent.
    public var isEmpty: Bool {
        bearerToken == nil && basic == nil && clientCertificatePEM == nil && clientKeyPEM == nil
    }

    public var description: String {
        var parts: [String] = []
        if bearerToken != nil { parts.append("bearerToken: <redacted>") }
        if let basic { parts.append("basic: \(basic)") }
        if clientCertificatePEM != nil { parts.append("clientCertificate: <\(clientCertificatePEM?.count ?? 0) bytes>") }
        if clientKeyPEM != nil { parts.append("clientKey: <redacted>") }
        return "Credential(\(parts.isEmpty ? "none" : parts.joined(separator: ", ")))"
    }

    public var debugDescription: String { description }

    /// `dump()` and the debugger go through the mirror; it shows only the redacted description.
    public var customMirror: Mirror { Mirror(self, children: ["redacted": description]) }
}

/// A username and password for HTTP basic authentication.
public struct BasicAuth: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var username: String
    /// Never printed by `description`.
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    public var description: String { "BasicAuth(username: \(username), password: <redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["redacted": description]) }
}
