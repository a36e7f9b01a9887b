import Foundation

/// Why a request body is not JSON.
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

extension JSON {
    /// Parses UTF-8 JSON text with Foundation's JSONSerialization.
    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSON {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw JSONParseError(description: "invalid JSON: \(error.localizedDescription)")
        }
        return convert(parsed)
    }

    /// Parses a UTF-8 string; convenience for tests and seeds.
    public static func parse(_ text: String) throws(JSONParseError) -> JSON {
        try parse(Array(text.utf8))
    }

    private static func convert(_ value: Any) -> JSON {
        switch value {
        case is NSNull:
            return .null
        case let string as String:
            return .string(string)
        case let number as NSNumber:
            return convert(number)
        case let array as [Any]:
            return .array(array.map(convert))
        case let dictionary as [String: Any]:
            return .object(dictionary.mapValues(convert))
        default:
            return .null
        }
    }

    private static func convert(_ number: NSNumber) -> JSON {
        // JSONSerialization marks true/false with objCType "c"; JSON text never yields a char-typed number otherwise.
        switch String(cString: number.objCType) {
        case "c", "B":
            return .bool(number.boolValue)
        case "d", "f":
            return .double(number.doubleValue)
        case "Q":
            let unsigned = number.uint64Value
            return unsigned <= UInt64(Int64.max) ? .int(Int64(unsigned)) : .double(number.doubleValue)
        default:
            return .int(number.int64Value)
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
