/// An owned JSON value: what we build to send (objects, patches) and what generic code inspects.
///
/// Objects are unordered dictionaries; the serializer writes `apiVersion`, `kind` and `metadata` first and
/// the rest sorted, so the bytes on the wire are deterministic.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var intValue: Int64? {
        if case .int(let value) = self { return value }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }
}

extension JSONValue: JSONCodable {
    public init(json: JSONNode) throws(JSONDecodingError) {
        switch json.kind {
        case .null: self = .null
        case .bool: self = .bool(try json.bool())
        case .integer: self = .int(try json.int64())
        case .real: self = .double(try json.double())
        case .string: self = .string(try json.string())
        case .array: self = .array(try [JSONValue](json: json))
        case .object: self = .object(try [String: JSONValue](json: json))
        }
    }

    public func toJSON() -> JSONValue { self }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var members: [String: JSONValue] = [:]
        for (key, value) in elements { members[key] = value }
        self = .object(members)
    }
}

/// Builds a JSON object the way Kubernetes' Go structs serialize with `omitempty`: unset optionals,
/// empty strings, empty maps and empty lists are left out unless asked for.
public struct JSONObjectBuilder {
    public private(set) var members: [String: JSONValue] = [:]

    public init() {}

    public var value: JSONValue { .object(members) }

    /// Sets `key` unless `value` is nil or empty.
    public mutating func set(_ key: String, _ value: (some JSONEncodable)?) {
        guard let value else { return }
        let encoded = value.toJSON()
        switch encoded {
        case .string(let string) where string.isEmpty: return
        case .array(let elements) where elements.isEmpty: return
        case .object(let object) where object.isEmpty: return
        default: members[key] = encoded
        }
    }

    /// Sets `key` even when empty (for fields whose zero value means something, like `port: 0` in a patch).
    public mutating func setAlways(_ key: String, _ value: JSONValue) {
        members[key] = value
    }
}
