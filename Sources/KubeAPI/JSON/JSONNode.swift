import CJansson
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A borrowed view of one value inside a parsed jansson document.
///
/// Valid only inside the closure of `JSONDocument.withRoot` (or a decoder called from it): the document owns
/// the memory. Decoding reads the fields a model asks for and never builds Swift values for the rest, which
/// is what keeps decoding a 40 KB node object cheap when the informer only wants its addresses.
public struct JSONNode {
    @usableFromInline let raw: UnsafeMutablePointer<json_t>

    @usableFromInline init(_ raw: UnsafeMutablePointer<json_t>) {
        self.raw = raw
    }

    public enum Kind: Sendable, Equatable {
        case object, array, string, integer, real, bool, null
    }

    public var kind: Kind {
        switch raw.pointee.type {
        case JSON_OBJECT: return .object
        case JSON_ARRAY: return .array
        case JSON_STRING: return .string
        case JSON_INTEGER: return .integer
        case JSON_REAL: return .real
        case JSON_TRUE, JSON_FALSE: return .bool
        default: return .null
        }
    }

    public var isNull: Bool { raw.pointee.type == JSON_NULL }

    // MARK: scalars

    public func string() throws(JSONDecodingError) -> String {
        guard raw.pointee.type == JSON_STRING, let chars = json_string_value(raw) else {
            throw JSONDecodingError("expected a string, found \(kind)")
        }
        let count = json_string_length(raw)
        return chars.withMemoryRebound(to: UInt8.self, capacity: count) {
            String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
        }
    }

    /// Compares without creating a Swift string: used to dispatch on `type`, `kind` and the like.
    public func stringEquals(_ other: StaticString) -> Bool {
        guard raw.pointee.type == JSON_STRING, let chars = json_string_value(raw) else { return false }
        let count = json_string_length(raw)
        guard count == other.utf8CodeUnitCount else { return false }
        return memcmp(chars, other.utf8Start, count) == 0
    }

    public func int64() throws(JSONDecodingError) -> Int64 {
        switch raw.pointee.type {
        case JSON_INTEGER:
            return Int64(json_integer_value(raw))
        case JSON_REAL:
            let value = json_real_value(raw)
            guard value.rounded() == value, let exact = Int64(exactly: value) else {
                throw JSONDecodingError("expected an integer, found \(value)")
            }
            return exact
        default:
            throw JSONDecodingError("expected an integer, found \(kind)")
        }
    }

    public func int() throws(JSONDecodingError) -> Int {
        Int(try int64())
    }

    public func int32() throws(JSONDecodingError) -> Int32 {
        let value = try int64()
        guard let narrow = Int32(exactly: value) else {
            throw JSONDecodingError("integer \(value) does not fit in 32 bits")
        }
        return narrow
    }

    public func double() throws(JSONDecodingError) -> Double {
        switch raw.pointee.type {
        case JSON_INTEGER: return Double(json_integer_value(raw))
        case JSON_REAL: return json_real_value(raw)
        default: throw JSONDecodingError("expected a number, found \(kind)")
        }
    }

    public func bool() throws(JSONDecodingError) -> Bool {
        switch raw.pointee.type {
        case JSON_TRUE: return true
        case JSON_FALSE: return false
        default: throw JSONDecodingError("expected a boolean, found \(kind)")
        }
    }

    // MARK: objects

    /// The member `key`, or nil when it is absent or `null` (Kubernetes treats both as "not set").
    public subscript(key: String) -> JSONNode? {
        guard raw.pointee.type == JSON_OBJECT, let member = json_object_get(raw, key) else { return nil }
        if member.pointee.type == JSON_NULL { return nil }
        return JSONNode(member)
    }

    /// Decodes the member `key`, or nil when it is absent or null. Errors name the key.
    public func decode<T: JSONDecodable>(_ key: String, as type: T.Type = T.self) throws(JSONDecodingError) -> T? {
        guard let member = self[key] else { return nil }
        do {
            return try T(json: member)
        } catch {
            throw error.under(key)
        }
    }

    /// Decodes the member `key`, which must be present.
    public func require<T: JSONDecodable>(_ key: String, as type: T.Type = T.self) throws(JSONDecodingError) -> T {
        guard let value = try decode(key, as: type) else {
            throw JSONDecodingError(path: [key], "required field is missing")
        }
        return value
    }

    /// Calls `body` for every member of an object, in document order.
    public func forEachMember(_ body: (String, JSONNode) throws(JSONDecodingError) -> Void) throws(JSONDecodingError) {
        guard raw.pointee.type == JSON_OBJECT else {
            throw JSONDecodingError("expected an object, found \(kind)")
        }
        var iterator = json_object_iter(raw)
        while let current = iterator {
            guard let keyPointer = json_object_iter_key(current), let value = json_object_iter_value(current) else {
                break
            }
            let key = String(cString: keyPointer)
            do {
                try body(key, JSONNode(value))
            } catch {
                throw error.under(key)
            }
            iterator = json_object_iter_next(raw, current)
        }
    }

    // MARK: arrays

    public var count: Int {
        switch raw.pointee.type {
        case JSON_ARRAY: return json_array_size(raw)
        case JSON_OBJECT: return json_object_size(raw)
        default: return 0
        }
    }

    /// Calls `body` for every element of an array.
    public func forEachElement(_ body: (Int, JSONNode) throws(JSONDecodingError) -> Void) throws(JSONDecodingError) {
        guard raw.pointee.type == JSON_ARRAY else {
            throw JSONDecodingError("expected an array, found \(kind)")
        }
        let size = json_array_size(raw)
        var index = 0
        while index < size {
            if let element = json_array_get(raw, index) {
                do {
                    try body(index, JSONNode(element))
                } catch {
                    throw error.under("[\(index)]")
                }
            }
            index += 1
        }
    }
}
