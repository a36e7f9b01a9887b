/// A Go duration (`time.ParseDuration`): `90s`, `1m`, `2h`, `1h30m`, `1.5h`, `500ms`.
public enum GoDuration {
    /// The duration, or nil when `text` is not a Go duration.
    public static func parse(_ text: String) -> Duration? {
        let units: [(String, Double)] = [
            ("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600),
        ]
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        if rest == "0" { return .zero }
        var seconds = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            // Longest unit first, so "ms" is not read as "m" followed by garbage.
            guard let unit = units.sorted(by: { $0.0.count > $1.0.count }).first(where: { rest.hasPrefix($0.0) }) else {
                return nil
            }
            rest = rest.dropFirst(unit.0.count)
            seconds += value * unit.1
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
