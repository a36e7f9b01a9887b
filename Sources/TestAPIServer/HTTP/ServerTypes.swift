/// The HTTP layer's view of a request, after TLS and HTTP/1.1 framing.
public struct ServerRequest: Sendable {
    public var method: String
    /// Percent-decoded path without the query, e.g. `/api/v1/namespaces/foo/services`.
    public var path: String
    /// Raw query string without `?` (may be empty).
    public var query: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The verified TLS client certificate's subject, when the client presented one.
    public var clientCertificate: ClientCertificateSubject?

    public init(
        method: String, path: String, query: String = "", headers: [(name: String, value: String)] = [],
        body: [UInt8] = [], clientCertificate: ClientCertificateSubject? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.clientCertificate = clientCertificate
    }

    /// The first value of header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }
}

/// Kubernetes maps a client certificate's CN to the user name and its O entries to groups.
public struct ClientCertificateSubject: Sendable, Hashable {
    public var commonName: String
    public var organizations: [String]

    public init(commonName: String, organizations: [String]) {
        self.commonName = commonName
        self.organizations = organizations
    }
}

public struct ServerResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: Body

    public enum Body: Sendable {
        case bytes([UInt8])
        /// Sent with chunked transfer encoding as the stream yields; flushed after each chunk.
        case stream(AsyncStream<StreamChunk>)
    }

    public enum StreamChunk: Sendable {
        case data([UInt8])
        /// Closes the connection without the terminating chunk: what a client sees when a network cuts.
        case abort
    }

    public init(status: Int, headers: [(name: String, value: String)] = [], body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// What the HTTPS server calls for every request. Implementations must be safe to call concurrently.
public protocol ServerRequestHandler: Sendable {
    func handle(_ request: ServerRequest) async -> ServerResponse
}
