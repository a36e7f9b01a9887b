#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KubeAPI

/// The two UTC forms SigV4 uses: `X-Amz-Date` (`20150830T123600Z`) and the scope's date (`20150830`).
struct AWSTimestamp: Sendable {
    let amzDate: String
    let dateStamp: String

    init(_ date: Date) {
        // ISO8601Format() is UTC with whole seconds: 2015-08-30T12:36:00Z.
        let iso = date.ISO8601Format().filter { $0 != "-" && $0 != ":" }
        amzDate = iso
        dateStamp = String(iso.prefix(8))
    }

    /// `2026-11-30T12:00:00Z` (optionally with fractional seconds), as STS and the Pod Identity agent write
    /// expirations; nil for anything else.
    static func parseISO8601(_ text: String) -> Date? {
        RFC3339.parse(text.trimmingWhitespace())
    }
}
