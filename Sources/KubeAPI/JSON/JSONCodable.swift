/// A type read from a borrowed jansson node. Implementations read only the fields they model.
public protocol JSONDecodable {
    init(json: JSONNode) throws(JSONDecodingError)
}

/// A type written as JSON. Encoding goes through `JSONValue`: writes are rare, so clarity wins over speed.
public protocol JSONEncodable {
    func toJSON() -> JSONValue
}

public typealias JSONCodable = JSONDecodable & JSONEncodable

extension String: JSONCodable {
    public init(json: JSONNode) throws(JSONDecodingError) { self = try json.string() }
    public func toJSON() -> JSONValue { .string(self) }
}

extension Int: JSONCodable {
    public init(json: JSONNode) throws(JSONDecodingError) { self = try json.int() }
    public func toJSON() -> JSONValue { .int(Int64(self)) }
}

extension Int64: JSONCodable {
    public init(json: JSONNode) throws(JSONDecodingError) { self = try json.int64() }
    public func toJSON() -> JSONValue { .int(self) }
}

extension Int32: JSONCodable {
    public init(json: JSONNode) throws(JSONDecodingError) { self = try json.int32() }
    public func toJSON() -> JSONValue { .int(Int64(self)) }
}

extension Bool: JSONCodable {
    public init(json: JSONNode) throws(JSONDecodingError) { self = try json.bool() }
    public func toJSON() -> JSONValue { .bool(self) }
}

extension Double: JSONCodable {
    public init(json: JSONNode) throws(JSONDecodingError) { self = try json.double() }
    public func toJSON() -> JSONValue { .double(self) }
}

extension Array: JSONDecodable where Element: JSONDecodable {
    public init(json: JSONNode) throws(JSONDecodingError) {
        var result: [Element] = []
        result.reserveCapacity(json.count)
        try json.forEachElement { (_, element) throws(JSONDecodingError) in
            result.append(try Element(json: element))
        }
        self = result
    }
}

extension Array: JSONEncodable where Element: JSONEncodable {
    public func toJSON() -> JSONValue { .array(map { $0.toJSON() }) }
}

extension Dictionary: JSONDecodable where Key == String, Value: JSONDecodable {
    public init(json: JSONNode) throws(JSONDecodingError) {
        var result: [String: Value] = [:]
        result.reserveCapacity(json.count)
        try json.forEachMember { (key, member) throws(JSONDecodingError) in
            result[key] = try Value(json: member)
        }
        self = result
    }
}

extension Dictionary: JSONEncodable where Key == String, Value: JSONEncodable {
    public func toJSON() -> JSONValue {
        .object(mapValues { $0.toJSON() })
    }
}
