import CJansson

/// Why a request body is not JSON.
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

extension JSON {
    /// Parses UTF-8 JSON text with jansson. Like Go's encoding/json, a repeated key keeps its last value.
    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSON {
        var error = json_error_t()
        let root = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                json_loadb($0.baseAddress, $0.count, Int(JSON_DECODE_ANY | JSON_ALLOW_NUL), &error)
            }
        }
        guard let root else {
            let text = withUnsafeBytes(of: error.text) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            throw JSONParseError(description: "invalid JSON: \(text) (line \(error.line), column \(error.column))")
        }
        defer { json_decref(root) }
        return convert(root)
    }

    /// Parses a UTF-8 string; convenience for tests and seeds.
    public static func parse(_ text: String) throws(JSONParseError) -> JSON {
        try parse(Array(text.utf8))
    }

    private static func convert(_ raw: UnsafeMutablePointer<json_t>) -> JSON {
        switch raw.pointee.type {
        case JSON_TRUE: return .bool(true)
        case JSON_FALSE: return .bool(false)
        case JSON_INTEGER: return .int(Int64(json_integer_value(raw)))
        case JSON_REAL: return .double(json_real_value(raw))
        case JSON_STRING:
            guard let chars = json_string_value(raw) else { return .string("") }
            let bytes = UnsafeRawBufferPointer(start: chars, count: json_string_length(raw))
            return .string(String(decoding: bytes, as: UTF8.self))
        case JSON_ARRAY:
            return .array((0..<json_array_size(raw)).compactMap { json_array_get(raw, $0).map(convert) })
        case JSON_OBJECT:
            var members: [String: JSON] = [:]
            var iterator = json_object_iter(raw)
            while let current = iterator {
                if let key = json_object_iter_key(current), let value = json_object_iter_value(current) {
                    members[String(cString: key)] = convert(value)
                }
                iterator = json_object_iter_next(raw, current)
            }
            return .object(members)
        default:
            return .null
        }
    }

    /// Compact UTF-8 JSON text; `kind`, `apiVersion`, `metadata` first, other keys sorted, as kube's output reads.
    public func serialized() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(into: &output)
        return output
    }

    /// Compact JSON text as a String.
    public var text: String { String(decoding: serialized(), as: UTF8.self) }

    private static let leadingKeys = ["kind", "apiVersion", "metadata"]

    private func write(into output: inout [UInt8]) {
        switch self {
        case .null: output.append(contentsOf: Array("null".utf8))
        case .bool(let value): output.append(contentsOf: Array((value ? "true" : "false").utf8))
        case .int(let value): output.append(contentsOf: Array(String(value).utf8))
        case .double(let value):
            if value.isFinite {
                if value.rounded() == value && abs(value) < 1e15 {
                    output.append(contentsOf: Array(String(Int64(value)).utf8))
                } else {
                    output.append(contentsOf: Array("\(value)".utf8))
                }
            } else {
                output.append(contentsOf: Array("null".utf8))
            }
        case .string(let value): JSON.writeString(value, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                element.write(into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            var keys = JSON.leadingKeys.filter { members[$0] != nil }
            keys += members.keys.filter { !JSON.leadingKeys.contains($0) }.sorted()
            for (index, key) in keys.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                JSON.writeString(key, into: &output)
                output.append(UInt8(ascii: ":"))
                members[key]?.write(into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static func writeString(_ string: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): output.append(contentsOf: [92, 92])
            case 0x0A: output.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                output.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
