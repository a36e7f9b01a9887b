#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// One API call before it becomes an HTTP request.
struct APICall: Sendable {
    /// Kubernetes verb for logs and metrics: get, list, watch, create, update, patch, delete.
    var verb: String
    var method: String
    var resource: ResourceType
    var path: String
    var query: [(String, String)] = []
    var body: [UInt8]? = nil
    var contentType: String = "application/json"
    var streaming: Bool = false
}

extension KubeClient {
    /// Sends `call` and returns its 2xx response, or throws the error it amounts to.
    func perform(_ call: APICall) async throws(KubeError) -> HTTPResponse {
        try await withRetries(call) { (request) throws(TransportError) in
            try await transport.send(request)
        }
    }

    /// Opens a streaming call; a non-2xx answer is read whole and thrown like any other error.
    func performStreaming(_ call: APICall) async throws(KubeError) -> HTTPBodyStream {
        let response = try await withRetries(call) { (request) throws(TransportError) in
            let stream = try await transport.stream(request)
            guard (200..<300).contains(stream.status) else {
                var body: [UInt8] = []
                for try await chunk in stream.body where body.count < 1 << 20 { body += chunk }
                return StreamedResponse(status: stream.status, headers: stream.headers, errorBody: body)
            }
            return StreamedResponse(status: stream.status, headers: stream.headers, body: stream.body)
        }
        guard let body = response.body else {
            // withRetries only returns 2xx responses; a stream is always attached to those.
            throw .transport(.other(code: -1, message: "streaming response without body"))
        }
        return body
    }

    /// The pipeline shared by every call: rate limit, credentials, send, classify, retry.
    private func withRetries<Response: ResponseHead>(
        _ call: APICall, send: (HTTPRequest) async throws(TransportError) -> Response
    ) async throws(KubeError) -> Response {
        var attempt = 0
        var refreshedCredentials = false
        while true {
            if !rateLimiter.isPacedByServer {
                do {
                    try await rateLimiter.acquire()
                } catch {
                    throw .transport(.cancelled)
                }
            }
            let buildStart = StageTrace.isOn ? StageTrace.now() : 0
            let request = try await makeRequest(call)
            let buildEnd = StageTrace.isOn ? StageTrace.now() : 0
            let started = ContinuousClock.now
            let response: Response
            do {
                response = try await send(request)
                if StageTrace.isOn, let timing = (response as? HTTPResponse)?.timing {
                    StageTrace.call(call, status: response.status, start: buildStart, built: buildEnd, timing: timing)
                }
            } catch {
                report(call, code: nil, since: started)
                logger.debug("\(call.verb) \(call.path) failed: \(error)")
                throw .transport(error)
            }
            report(call, code: response.status, since: started)
            rateLimiter.observe(response.headers)
            logger.trace("\(call.method) \(call.path) -> \(response.status)")
            if (200..<300).contains(response.status) { return response }

            let status = errorStatus(response)
            let retryAfter = response.headers["Retry-After"].flatMap(Self.parseRetryAfter)
            let error = KubeError.from(httpStatus: response.status, status: status, retryAfter: retryAfter)

            if case .unauthorized = error, !refreshedCredentials {
                // Tokens expire and rotate: refresh once before believing the server.
                refreshedCredentials = true
                await config.credentials.invalidate()
                continue
            }
            let serverAskedToRetry = response.status == 429 || (response.status >= 500 && retryAfter != nil)
            guard serverAskedToRetry, attempt < options.maxRetries else { throw error }
            attempt += 1
            let wait = min(retryAfter ?? .seconds(1), options.maxRetryAfter)
            logger.debug("\(call.verb) \(call.resource): HTTP \(response.status), retry \(attempt) in \(wait)")
            do {
                try await Task.sleep(for: wait)
            } catch {
                throw .transport(.cancelled)
            }
        }
    }

    private func makeRequest(_ call: APICall) async throws(KubeError) -> HTTPRequest {
        var url = config.server + call.path
        if !call.query.isEmpty { url += "?" + QueryString.encode(call.query) }
        var headers: [(name: String, value: String)] = [
            ("Accept", "application/json"), ("User-Agent", options.userAgent),
        ]
        if call.body != nil { headers.append(("Content-Type", call.contentType)) }
        var tls = config.tls
        let credential: Credential
        do {
            credential = try await config.credentials.credential()
        } catch {
            throw .credentials("credentials for \(config.displayName): \(error)")
        }
        if let token = credential.bearerToken {
            headers.append(("Authorization", "Bearer \(token)"))
        } else if let basic = credential.basic {
            let pair = Data("\(basic.username):\(basic.password)".utf8).base64EncodedString()
            headers.append(("Authorization", "Basic \(pair)"))
        }
        if let certificate = credential.clientCertificatePEM, let key = credential.clientKeyPEM {
            tls.clientCertificatePEM = certificate
            tls.clientKeyPEM = key
            tls.clientCertificateFile = nil
            tls.clientKeyFile = nil
        }
        return HTTPRequest(
            method: call.method, url: url, headers: headers, body: call.body,
            timeout: call.streaming ? nil : options.requestTimeout, tls: tls, proxyURL: config.proxyURL)
    }

    /// The Status in an error response, or one made up from the HTTP status when the body is not a Status
    /// (a proxy's HTML page, an empty 503).
    private func errorStatus(_ response: some ResponseHead) -> Status {
        if let decoded = try? JSONDocument.decode(Status.self, from: response.errorBody), decoded.code != nil
            || decoded.reason != nil || decoded.message != nil
        {
            return decoded
        }
        let text = String(decoding: response.errorBody.prefix(200), as: UTF8.self)
            .split(whereSeparator: \.isNewline).joined(separator: " ")
        let message = "the server responded with HTTP \(response.status)" + (text.isEmpty ? "" : ": \(text)")
        return Status(status: "Failure", message: message, reason: Self.reason(forHTTPStatus: response.status),
            code: Int32(response.status))
    }

    private func report(_ call: APICall, code: Int?, since started: ContinuousClock.Instant) {
        options.observer?.requestCompleted(
            cluster: config.displayName, verb: call.verb, resource: call.resource.description, code: code,
            duration: started.duration(to: .now))
    }

    /// Retry-After in seconds (the form kube-apiserver sends); HTTP dates are not used by it.
    static func parseRetryAfter(_ value: String) -> Duration? {
        guard let seconds = Int(value.trimmingWhitespace()), seconds >= 0 else { return nil }
        return .seconds(seconds)
    }

    static func reason(forHTTPStatus status: Int) -> String {
        switch status {
        case 400: return "BadRequest"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 405: return "MethodNotAllowed"
        case 409: return "Conflict"
        case 410: return "Expired"
        case 422: return "Invalid"
        case 429: return "TooManyRequests"
        case 504: return "Timeout"
        case 500...599: return "InternalError"
        default: return "Unknown"
        }
    }
}

/// What the retry loop needs to know of a response, whole or streamed.
protocol ResponseHead: Sendable {
    var status: Int { get }
    var headers: HTTPHeaders { get }
    /// The body of an error response (empty for successful streams).
    var errorBody: [UInt8] { get }
}

extension HTTPResponse: ResponseHead {
    var errorBody: [UInt8] { body }
}

struct StreamedResponse: ResponseHead {
    var status: Int
    var headers: HTTPHeaders
    var errorBody: [UInt8] = []
    var body: HTTPBodyStream? = nil
}
