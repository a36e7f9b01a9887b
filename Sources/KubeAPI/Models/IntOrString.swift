/// A field that holds either a number or a name, like a service's `targetPort` (`8080` or `"http"`).
public enum IntOrString: Sendable, Hashable, JSONCodable, CustomStringConvertible {
    case int(Int)
    case string(String)

    public init(json: JSONNode) throws(JSONDecodingError) {
        switch json.kind {
        case .integer, .real: self = .int(try json.int())
        case .string: self = .string(try json.string())
        default: throw JSONDecodingError("expected an integer or a string, found \(json.kind)")
        }
    }

    public func toJSON() -> JSONValue {
        switch self {
        case .int(let number): return .int(Int64(number))
        case .string(let text): return .string(text)
        }
    }

    public var description: String {
        switch self {
        case .int(let number): return String(number)
        case .string(let text): return text
        }
    }
}

extension IntOrString: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(stringLiteral value: String) { self = .string(value) }
}
