#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A request's query string, percent-decoded.
struct QueryParameters: Sendable {
    private var values: [String: String] = [:]

    init(_ query: String) {
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.decode(String(parts[0]))
            let value = parts.count > 1 ? Self.decode(String(parts[1])) : ""
            if values[key] == nil { values[key] = value }
        }
    }

    private static func decode(_ text: String) -> String {
        let spaced = text.replacing("+", with: " ")
        return percentDecoded(spaced) ?? spaced
    }

    /// `%XX` escapes to bytes; nil for a malformed escape or bytes that are not UTF-8, as Foundation's
    /// removingPercentEncoding answers.
    private static func percentDecoded(_ text: String) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    subscript(_ key: String) -> String? { values[key] }

    /// kube's boolean query parsing: `true`/`1` (and friends) are true.
    func bool(_ key: String) -> Bool? {
        guard let value = values[key] else { return nil }
        switch value.lowercased() {
        case "true", "1", "t", "yes", "y": return true
        case "false", "0", "f", "no", "n", "": return false
        default: return nil
        }
    }
}
