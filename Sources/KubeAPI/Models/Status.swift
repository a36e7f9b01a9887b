/// The meta/v1 Status body kube-apiserver sends with a failed request and in watch ERROR events.
public struct Status: Sendable, Hashable, JSONCodable, Error, CustomStringConvertible {
    /// `Success` or `Failure`.
    public var status: String?
    /// Human-readable, like `services "web" not found`.
    public var message: String?
    /// Machine-readable; see `Status.Reason`.
    public var reason: String?
    /// The HTTP status code.
    public var code: Int32?
    public var details: StatusDetails?

    public init(
        status: String? = nil, message: String? = nil, reason: String? = nil, code: Int32? = nil,
        details: StatusDetails? = nil
    ) {
        self.status = status
        self.message = message
        self.reason = reason
        self.code = code
        self.details = details
    }

    /// The values of `reason` that clients act on.
    public enum Reason {
        public static let notFound = "NotFound"
        public static let alreadyExists = "AlreadyExists"
        public static let conflict = "Conflict"
        /// A watch or list `continue` token is too old (HTTP 410).
        public static let expired = "Expired"
        /// The requested resourceVersion is too old (HTTP 410).
        public static let gone = "Gone"
        public static let forbidden = "Forbidden"
        public static let unauthorized = "Unauthorized"
        public static let tooManyRequests = "TooManyRequests"
        public static let invalid = "Invalid"
        public static let timeout = "Timeout"
        public static let serverTimeout = "ServerTimeout"
        public static let internalError = "InternalError"
        public static let serviceUnavailable = "ServiceUnavailable"
        public static let badRequest = "BadRequest"
        public static let methodNotAllowed = "MethodNotAllowed"
    }

    /// One line: the server's message, then reason and code (`services "web" not found (NotFound, 404)`).
    public var description: String {
        var qualifiers: [String] = []
        if let reason, !reason.isEmpty { qualifiers.append(reason) }
        if let code { qualifiers.append(String(code)) }
        var text = message.flatMap { $0.isEmpty ? nil : $0 } ?? "request failed"
        // Validation errors often repeat the cause in the message; add it only when it says something new.
        if let cause = details?.causes.first, let causeMessage = cause.message,
            !(message ?? "").contains(causeMessage)
        {
            text += ": " + (cause.field.map { "\($0): " } ?? "") + causeMessage
        }
        if !qualifiers.isEmpty { text += " (" + qualifiers.joined(separator: ", ") + ")" }
        return text.replacingNewlines()
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        status = try json.decode("status")
        message = try json.decode("message")
        reason = try json.decode("reason")
        code = try json.decode("code")
        details = try json.decode("details")
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder(apiVersion: "v1", kind: "Status", metadata: JSONValue?.none)
        object.set("status", status)
        object.set("message", message)
        object.set("reason", reason)
        object.set("code", code)
        object.set("details", details)
        return object.value
    }
}

extension String {
    /// Keeps multi-line server messages on one log line.
    fileprivate func replacingNewlines() -> String {
        guard contains(where: \.isNewline) else { return self }
        return String(map { $0.isNewline ? " " : $0 })
    }
}

/// Which object a Status is about, and why in detail.
public struct StatusDetails: Sendable, Hashable, JSONCodable {
    public var name: String?
    public var group: String?
    public var kind: String?
    public var uid: String?
    public var causes: [StatusCause]
    /// How long to wait before retrying (with TooManyRequests and ServerTimeout).
    public var retryAfterSeconds: Int32?

    public init(
        name: String? = nil, group: String? = nil, kind: String? = nil, uid: String? = nil,
        causes: [StatusCause] = [], retryAfterSeconds: Int32? = nil
    ) {
        self.name = name
        self.group = group
        self.kind = kind
        self.uid = uid
        self.causes = causes
        self.retryAfterSeconds = retryAfterSeconds
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        name = try json.decode("name")
        group = try json.decode("group")
        kind = try json.decode("kind")
        uid = try json.decode("uid")
        causes = try json.decode("causes") ?? []
        retryAfterSeconds = try json.decode("retryAfterSeconds")
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("name", name)
        object.set("group", group)
        object.set("kind", kind)
        object.set("uid", uid)
        object.set("causes", causes)
        object.set("retryAfterSeconds", retryAfterSeconds)
        return object.value
    }
}

/// One reason a request failed, such as one invalid field.
public struct StatusCause: Sendable, Hashable, JSONCodable {
    /// Like `FieldValueInvalid`.
    public var reason: String?
    public var message: String?
    /// Like `spec.ports[0].nodePort`.
    public var field: String?

    public init(reason: String? = nil, message: String? = nil, field: String? = nil) {
        self.reason = reason
        self.message = message
        self.field = field
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        reason = try json.decode("reason")
        message = try json.decode("message")
        field = try json.decode("field")
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("reason", reason)
        object.set("message", message)
        object.set("field", field)
        return object.value
    }
}
