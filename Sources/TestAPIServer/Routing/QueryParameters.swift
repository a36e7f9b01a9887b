import Foundation

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
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
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
