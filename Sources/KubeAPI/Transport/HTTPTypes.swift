/// One HTTP request as the transport sends it. Everything the API client decides (URL, verb, headers,
/// credentials, TLS material) is resolved before it reaches the transport.
public struct HTTPRequest: Sendable {
    public var method: String
    /// Absolute URL, `https://host:port/path?query`.
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// The whole exchange must finish within this time; nil for watches, which run until cancelled.
    public var timeout: Duration?
    public var tls: TLSSettings
    /// `proxy-url` from the kubeconfig (`http://`, `https://` or `socks5://`).
    public var proxyURL: String?
    /// Pooled for API calls; fresh and direct for node probes.
    public var connectionUse: ConnectionUse

    public init(
        method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil,
        timeout: Duration? = .seconds(60), tls: TLSSettings = TLSSettings(), proxyURL: String? = nil,
        connectionUse: ConnectionUse = .pooled
    ) {
        self.connectionUse = connectionUse
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.tls = tls
        self.proxyURL = proxyURL
    }
}

/// How a request uses connections.
public enum ConnectionUse: Sendable, Hashable {
    /// API calls: kept-alive connections shared by requests (HTTP/2 multiplexing where offered).
    case pooled
    /// A request to a remote node, as the demo's traffic sends it: HTTP/1.1 on the node's kept-alive connection,
    /// never through a proxy. (Node probes run on `NodeProbeClient`'s own loop.)
    case probe
}

/// TLS material for one cluster. Verification is always on unless the kubeconfig itself asks otherwise.
public struct TLSSettings: Sendable, Hashable {
    /// PEM bundle of CAs trusted for the server, in memory (`certificate-authority-data`).
    public var caPEM: [UInt8]?
    /// Path of a PEM CA bundle (`certificate-authority`).
    public var caFile: String?
    /// Client certificate and key, PEM, in memory or as files.
    public var clientCertificatePEM: [UInt8]?
    public var clientCertificateFile: String?
    public var clientKeyPEM: [UInt8]?
    public var clientKeyFile: String?
    /// Name to verify the server certificate against (and send as SNI) instead of the URL's host.
    public var serverName: String?
    /// Only ever set from a kubeconfig's `insecure-skip-tls-verify: true`; logged as a warning.
    public var insecureSkipVerify: Bool

    public init(
        caPEM: [UInt8]? = nil, caFile: String? = nil, clientCertificatePEM: [UInt8]? = nil,
        clientCertificateFile: String? = nil, clientKeyPEM: [UInt8]? = nil, clientKeyFile: String? = nil,
        serverName: String? = nil, insecureSkipVerify: Bool = false
    ) {
        self.caPEM = caPEM
        self.caFile = caFile
        self.clientCertificatePEM = clientCertificatePEM
        self.clientCertificateFile = clientCertificateFile
        self.clientKeyPEM = clientKeyPEM
        self.clientKeyFile = clientKeyFile
        self.serverName = serverName
        self.insecureSkipVerify = insecureSkipVerify
    }
}

/// A complete response.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Where the transfer's time went; only while `StageTrace.isOn`.
    public var timing: TransferTiming?

    public init(status: Int, headers: HTTPHeaders, body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Response headers; names compare case-insensitively.
public struct HTTPHeaders: Sendable, Hashable {
    public private(set) var fields: [(name: String, value: String)] = []

    public init(_ fields: [(name: String, value: String)] = []) {
        self.fields = fields
    }

    public mutating func add(name: String, value: String) {
        fields.append((name, value))
    }

    /// The first value of `name`, if any.
    public subscript(name: String) -> String? {
        fields.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for field in fields {
            hasher.combine(field.name)
            hasher.combine(field.value)
        }
    }
}

/// Why a request got no HTTP response. (An HTTP error status is a response, not a transport error.)
public enum TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// DNS failure, refused or reset connection.
    case connectionFailed(String)
    /// The server's certificate did not verify, or our own TLS material is unusable.
    case tls(String)
    /// `HTTPRequest.timeout` (or the connect timeout) passed.
    case timedOut(String)
    /// The calling task was cancelled and the transfer aborted.
    case cancelled
    /// The connection broke mid-response (a dropped watch ends this way, or with a clean end of stream).
    case interrupted(String)
    /// Anything else libcurl reports, with its code.
    case other(code: Int, message: String)

    public var description: String {
        switch self {
        case .connectionFailed(let message): return "connection failed: \(message)"
        case .tls(let message): return "TLS: \(message)"
        case .timedOut(let message): return "timed out: \(message)"
        case .cancelled: return "cancelled"
        case .interrupted(let message): return "connection interrupted: \(message)"
        case .other(let code, let message): return "transport error \(code): \(message)"
        }
    }
}
