#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KubeAPI

/// The INI dialect of `~/.aws/credentials` and `~/.aws/config`, parsed strictly: `[section]` headers,
/// `key = value` (or `key: value`) lines, `#` and `;` comment lines, and indented continuation lines of a
/// nested setting (`s3 =` followed by indented keys), which barrelman skips. Anything else is an error naming
/// the line, so a typo is reported instead of silently dropping a key.
struct INIFile: Sendable, Equatable {
    /// Keys (lower-cased) and values by section name, as written between the brackets (trimmed).
    private(set) var sections: [String: [String: String]] = [:]

    struct ParseError: Error, Equatable {
        var line: Int
        var reason: String
    }

    init(parsing text: String) throws(ParseError) {
        var current: String?
        var nestedKey = false
        // `\r\n` is one Character in Swift: splitting on isNewline handles both line endings.
        for (offset, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let number = offset + 1
            let trimmed = line.trimmingWhitespace()
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            if line.first == " " || line.first == "\t" {
                guard nestedKey else {
                    throw ParseError(line: number, reason: "indented line outside a nested setting")
                }
                continue
            }
            nestedKey = false
            if trimmed.hasPrefix("[") {
                guard trimmed.hasSuffix("]"), trimmed.count > 2 else {
                    throw ParseError(line: number, reason: "a section header must be [name]")
                }
                let name = trimmed.dropFirst().dropLast().trimmingWhitespace()
                guard !name.isEmpty else { throw ParseError(line: number, reason: "empty section name") }
                guard sections[name] == nil else {
                    throw ParseError(line: number, reason: "section [\(name)] appears twice")
                }
                sections[name] = [:]
                current = name
                continue
            }
            guard let separator = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw ParseError(line: number, reason: "expected key = value")
            }
            let key = trimmed[..<separator].trimmingWhitespace().lowercased()
            let value = trimmed[trimmed.index(after: separator)...].trimmingWhitespace()
            guard !key.isEmpty else { throw ParseError(line: number, reason: "a setting without a key") }
            guard let section = current else {
                throw ParseError(line: number, reason: "\(key) is set before any [section]")
            }
            nestedKey = value.isEmpty
            sections[section, default: [:]][key] = value
        }
    }

    func section(_ name: String) -> [String: String]? { sections[name] }
}

/// `line N: reason`.
extension INIFile.ParseError: CustomStringConvertible {
    var description: String { "line \(line): \(reason)" }
}
