import KubeAPI

/// Requests to Google's APIs through the shared libcurl transport, trusting `SSL_CERT_FILE` when it is set.
struct GoogleHTTP: Sendable {
    let transport: HTTPTransport
    let tls: TLSSettings

    init(environment: ProviderEnvironment) {
        transport = environment.transport
        tls = TLSSettings(caFile: environment.variable("SSL_CERT_FILE"))
    }

    func send(
        method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil
    ) async throws(TransportError) -> HTTPResponse {
        try await transport.send(
            HTTPRequest(method: method, url: url, headers: headers, body: body, timeout: .seconds(30), tls: tls))
    }
}

/// Google's JSON error bodies: OAuth2 (`error`, `error_description`) and API (`error.code/message/status`).
struct GoogleErrorBody: JSONDecodable {
    var code: String?
    var message: String?

    init(json: JSONNode) throws(JSONDecodingError) {
        if let error = json["error"], error.kind == .object {
            code = try error.decode("status")
            message = try error.decode("message")
        } else {
            code = try json.decode("error")
            message = try json.decode("error_description")
        }
    }

    /// `code: message` from a response body, one line, or nil when the body is not such JSON.
    static func summary(_ body: [UInt8]) -> String? {
        guard let parsed = try? JSONDocument.decode(GoogleErrorBody.self, from: body) else { return nil }
        let parts = [parsed.code, parsed.message].compactMap { $0.nonEmpty }
        guard !parts.isEmpty else { return nil }
        return ServiceAccountKey.oneLine(parts.joined(separator: ": "), limit: 300)
    }
}
