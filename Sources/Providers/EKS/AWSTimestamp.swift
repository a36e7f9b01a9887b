import Foundation

/// The two UTC forms SigV4 uses: `X-Amz-Date` (`20150830T123600Z`) and the scope's date (`20150830`).
struct AWSTimestamp: Sendable {
    let amzDate: String
    let dateStamp: String

    init(_ date: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String {
            let value = value ?? 0
            return value < 10 ? "0\(value)" : String(value)
        }
        dateStamp = String(parts.year ?? 0) + two(parts.month) + two(parts.day)
        amzDate = dateStamp + "T" + two(parts.hour) + two(parts.minute) + two(parts.second) + "Z"
    }

    /// `2026-11-30T12:00:00Z` (optionally with fractional seconds), as STS and the Pod Identity agent write
    /// expirations; nil for anything else.
    static func parseISO8601(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: trimmed) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: trimmed)
    }
}
