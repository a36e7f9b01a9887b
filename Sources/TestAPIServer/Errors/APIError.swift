/// A failed request, rendered as a kube `Status` body with the same reason, code and message kube-apiserver uses.
public struct APIError: Error, Sendable {
    public var code: Int
    public var reason: String
    public var message: String
    /// `details` of the Status (name, group, kind, causes, retryAfterSeconds), omitted when nil.
    public var details: JSON?
    /// Extra response headers, e.g. `Retry-After`.
    public var headers: [(name: String, value: String)] = []

    public init(code: Int, reason: String, message: String, details: JSON? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
    }

    /// The `Status` object kube sends for this error.
    public var status: JSON {
        var status: JSON = [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
            "message": .string(message), "reason": .string(reason), "code": .int(Int64(code)),
        ]
        if let details { status["details"] = details }
        return status
    }

    /// `details` naming the object as kube does: `kind` is the plural resource, `group` only when non-core.
    static func resourceDetails(_ resource: ResourceKind, name: String, uid: String? = nil) -> JSON {
        var details: JSON = ["name": .string(name), "kind": .string(resource.plural)]
        if !resource.group.isEmpty { details["group"] = .string(resource.group) }
        if let uid { details["uid"] = .string(uid) }
        return details
    }
}

/// One field problem of a 422 Invalid, printed as `spec.ports[0].port: Invalid value: 70000: must be ...`.
struct FieldError: Sendable {
    enum Kind: String, Sendable {
        case invalid = "FieldValueInvalid"
        case required = "FieldValueRequired"
        case duplicate = "FieldValueDuplicate"
        case notSupported = "FieldValueNotSupported"
        case forbidden = "FieldValueForbidden"
        case tooMany = "FieldValueTooMany"
    }

    var kind: Kind
    var field: String
    /// The offending value, already rendered the Go way (strings quoted); nil for Required and Forbidden.
    var value: String?
    var detail: String

    static func invalid(_ field: String, _ value: JSON, _ detail: String) -> FieldError {
        FieldError(kind: .invalid, field: field, value: render(value), detail: detail)
    }

    static func required(_ field: String, _ detail: String = "") -> FieldError {
        FieldError(kind: .required, field: field, value: nil, detail: detail)
    }

    static func duplicate(_ field: String, _ value: JSON) -> FieldError {
        FieldError(kind: .duplicate, field: field, value: render(value), detail: "")
    }

    static func notSupported(_ field: String, _ value: JSON, supported: [String]) -> FieldError {
        let list = supported.map { "\"\($0)\"" }.joined(separator: ", ")
        return FieldError(kind: .notSupported, field: field, value: render(value), detail: "supported values: \(list)")
    }

    static func forbidden(_ field: String, _ detail: String) -> FieldError {
        FieldError(kind: .forbidden, field: field, value: nil, detail: detail)
    }

    /// kube's `field.TooMany`: `ports: Too many: 101: must have at most 100 items`.
    static func tooMany(_ field: String, actual: Int, max: Int) -> FieldError {
        FieldError(kind: .tooMany, field: field, value: String(actual), detail: "must have at most \(max) items")
    }

    /// Go's `%#v`-like rendering kube uses in field errors.
    static func render(_ value: JSON) -> String {
        switch value {
        case .string(let string): return "\"\(string)\""
        case .array(let elements):
            if elements.allSatisfy({ $0.stringValue != nil }) {
                return "[]string{" + elements.map(render).joined(separator: ", ") + "}"
            }
            return value.text
        default: return value.text
        }
    }

    /// The cause's message, without the field path.
    var causeMessage: String {
        let label: String
        switch kind {
        case .invalid: label = "Invalid value"
        case .required: label = "Required value"
        case .duplicate: label = "Duplicate value"
        case .notSupported: label = "Unsupported value"
        case .forbidden: label = "Forbidden"
        case .tooMany: label = "Too many"
        }
        var text = label
        if let value { text += ": \(value)" }
        if !detail.isEmpty { text += ": \(detail)" }
        return text
    }

    /// The full line, `field: message`.
    var line: String { "\(field): \(causeMessage)" }
}

extension APIError {
    static func notFound(_ resource: ResourceKind, name: String) -> APIError {
        APIError(
            code: 404, reason: "NotFound", message: "\(resource.qualifiedName) \"\(name)\" not found",
            details: resourceDetails(resource, name: name))
    }

    static func namespaceNotFound(_ namespace: String) -> APIError {
        notFound(.namespaces, name: namespace)
    }

    static func alreadyExists(_ resource: ResourceKind, name: String) -> APIError {
        APIError(
            code: 409, reason: "AlreadyExists", message: "\(resource.qualifiedName) \"\(name)\" already exists",
            details: resourceDetails(resource, name: name))
    }

    static func conflict(_ resource: ResourceKind, name: String, _ detail: String) -> APIError {
        APIError(
            code: 409, reason: "Conflict",
            message: "Operation cannot be fulfilled on \(resource.qualifiedName) \"\(name)\": \(detail)",
            details: resourceDetails(resource, name: name))
    }

    static func staleResourceVersion(_ resource: ResourceKind, name: String) -> APIError {
        conflict(
            resource, name: name,
            "the object has been modified; please apply your changes to the latest version and try again")
    }

    static func invalid(_ resource: ResourceKind, name: String, _ errors: [FieldError]) -> APIError {
        let qualifiedKind = resource.group.isEmpty ? resource.kind : "\(resource.kind).\(resource.group)"
        let summary = errors.count == 1 ? errors[0].line : "[" + errors.map(\.line).joined(separator: ", ") + "]"
        var details: JSON = [
            "name": .string(name), "kind": .string(resource.kind),
            "causes": .array(
                errors.map {
                    ["reason": .string($0.kind.rawValue), "message": .string($0.causeMessage), "field": .string($0.field)]
                }),
        ]
        if !resource.group.isEmpty { details["group"] = .string(resource.group) }
        return APIError(
            code: 422, reason: "Invalid", message: "\(qualifiedKind) \"\(name)\" is invalid: \(summary)", details: details)
    }

    /// 422 for invalid request options (ListOptions, PatchOptions), named like kube's `meta.k8s.io` kinds.
    static func invalidOptions(_ kind: String, _ errors: [FieldError]) -> APIError {
        let summary = errors.count == 1 ? errors[0].line : "[" + errors.map(\.line).joined(separator: ", ") + "]"
        let details: JSON = [
            "group": "meta.k8s.io", "kind": .string(kind),
            "causes": .array(
                errors.map {
                    ["reason": .string($0.kind.rawValue), "message": .string($0.causeMessage), "field": .string($0.field)]
                }),
        ]
        return APIError(
            code: 422, reason: "Invalid", message: "\(kind).meta.k8s.io \"\" is invalid: \(summary)", details: details)
    }

    static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    static func forbidden(_ resource: ResourceKind?, name: String, _ reason: String) -> APIError {
        guard let resource else {
            return APIError(code: 403, reason: "Forbidden", message: "forbidden: \(reason)", details: [:])
        }
        let subject = name.isEmpty ? resource.qualifiedName : "\(resource.qualifiedName) \"\(name)\""
        return APIError(
            code: 403, reason: "Forbidden", message: "\(subject) is forbidden: \(reason)",
            details: resourceDetails(resource, name: name))
    }

    static let unauthorized = APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")

    static let pathNotFound = APIError(
        code: 404, reason: "NotFound", message: "the server could not find the requested resource", details: [:])

    static let methodNotAllowed = APIError(
        code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource",
        details: [:])

    static func expired(_ message: String) -> APIError {
        APIError(code: 410, reason: "Expired", message: message)
    }

    static let continueExpired = expired(
        "The provided continue parameter is too old to display a consistent list result. You can start a new list "
            + "without the continue parameter, or use the continue token in this response to retrieve the remainder "
            + "of the results. Continuing with the provided token results in an inconsistent list - objects that "
            + "were created, modified, or deleted between the time the first chunk was returned and now may show up "
            + "in the list.")

    static func tooManyRequests(retryAfterSeconds: Int) -> APIError {
        var error = APIError(
            code: 429, reason: "TooManyRequests", message: "Too many requests, please try again later.",
            details: ["retryAfterSeconds": .int(Int64(retryAfterSeconds))])
        error.headers = [("Retry-After", String(retryAfterSeconds))]
        return error
    }

    static func internalError(_ message: String) -> APIError {
        APIError(
            code: 500, reason: "InternalError", message: "Internal error occurred: \(message)",
            details: ["causes": [["message": .string(message)]]])
    }

    static func serviceUnavailable(_ message: String) -> APIError {
        APIError(code: 503, reason: "ServiceUnavailable", message: message)
    }

    static func unsupportedMediaType(_ contentType: String) -> APIError {
        APIError(
            code: 415, reason: "UnsupportedMediaType",
            message: "the body of the request was in an unknown format - accepted media types include: "
                + "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
            details: [:])
    }
}
