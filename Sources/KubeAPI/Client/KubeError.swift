/// Why an API call failed. API errors carry the server's `Status`, so callers and logs see exactly what
/// kube-apiserver said; the rest say which layer failed.
public enum KubeError: Error, Sendable, CustomStringConvertible {
    /// 404.
    case notFound(Status)
    /// 409 with reason AlreadyExists (create of an existing name).
    case alreadyExists(Status)
    /// 409 Conflict: a stale resourceVersion or failed precondition; re-read and try again.
    case conflict(Status)
    /// 410: the resourceVersion or continue token is too old (compacted); relist.
    case gone(Status)
    /// 401: the credential was refused (after one refresh).
    case unauthorized(Status)
    /// 403: RBAC denies the verb on the resource.
    case forbidden(Status)
    /// 400 or 422: the request or the object is invalid.
    case invalid(Status)
    /// 429 after the retries allowed; `retryAfter` is the server's last hint.
    case tooManyRequests(Status, retryAfter: Duration?)
    /// 504, or a Status with reason Timeout/ServerTimeout.
    case serverTimeout(Status)
    /// 5xx.
    case serverError(Status)
    /// Any other HTTP status.
    case unexpectedStatus(Status)
    /// No HTTP response: connection, TLS, timeout, cancellation.
    case transport(TransportError)
    /// The response could not be decoded as the expected type.
    case decoding(JSONDecodingError, what: String)
    /// Credentials could not be obtained (exec plugin failed, token file unreadable, ...).
    case credentials(String)

    /// The server's Status, for errors that came with one.
    public var status: Status? {
        switch self {
        case .notFound(let status), .alreadyExists(let status), .conflict(let status), .gone(let status),
            .unauthorized(let status), .forbidden(let status), .invalid(let status),
            .tooManyRequests(let status, _), .serverTimeout(let status), .serverError(let status),
            .unexpectedStatus(let status):
            return status
        case .transport, .decoding, .credentials:
            return nil
        }
    }

    public var isNotFound: Bool { if case .notFound = self { true } else { false } }
    public var isConflict: Bool { if case .conflict = self { true } else { false } }
    public var isAlreadyExists: Bool { if case .alreadyExists = self { true } else { false } }
    public var isGone: Bool { if case .gone = self { true } else { false } }

    /// Whether trying the same call again later can succeed without anyone changing anything.
    public var isRetryable: Bool {
        switch self {
        case .tooManyRequests, .serverTimeout, .serverError, .transport, .conflict, .gone: return true
        case .credentials, .unauthorized: return true  // tokens rotate, plugins recover
        case .notFound, .alreadyExists, .forbidden, .invalid, .unexpectedStatus, .decoding: return false
        }
    }

    public var description: String {
        switch self {
        case .transport(let error): return error.description
        case .decoding(let error, let what): return "cannot decode \(what): \(error)"
        case .credentials(let message): return message
        default:
            guard let status else { return "unknown error" }
            let code = status.code.map { " (\($0))" } ?? ""
            let message = status.message ?? status.reason ?? "no message"
            return message + code
        }
    }

    /// Classifies a non-2xx response, as client-go's `errors.FromObject` does.
    static func from(httpStatus: Int, status: Status, retryAfter: Duration?) -> KubeError {
        switch httpStatus {
        case 404: return .notFound(status)
        case 409: return status.reason == "AlreadyExists" ? .alreadyExists(status) : .conflict(status)
        case 410: return .gone(status)
        case 401: return .unauthorized(status)
        case 403: return .forbidden(status)
        case 400, 422: return .invalid(status)
        case 429: return .tooManyRequests(status, retryAfter: retryAfter)
        case 504: return .serverTimeout(status)
        case 500...599:
            return status.reason == "Timeout" || status.reason == "ServerTimeout"
                ? .serverTimeout(status) : .serverError(status)
        default: return .unexpectedStatus(status)
        }
    }
}
