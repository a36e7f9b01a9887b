/// Base64 as Go's `base64.StdEncoding` decodes it, which is what kubectl applies to `*-data` fields and to YAML
/// `!!binary`: line breaks (`\r`, `\n`) are skipped, any other character outside the alphabet (a space, a tab,
/// URL-safe `-_`) is an error, and padding is required. Foundation's decoder differs on each of these points.
enum GoBase64 {
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let symbols = text.utf8.filter { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }
        guard symbols.count % 4 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(symbols.count / 4 * 3)
        var index = 0
        while index < symbols.count {
            let isLast = index + 4 == symbols.count
            let quantum = symbols[index..<(index + 4)]
            index += 4
            // Padding may only end the last quantum: `xx==` or `xxx=`.
            let padding = quantum.reversed().prefix { $0 == UInt8(ascii: "=") }.count
            guard padding <= 2, padding == 0 || isLast else { return nil }
            var accumulator: UInt32 = 0
            for symbol in quantum.prefix(4 - padding) {
                guard let value = sextet(symbol) else { return nil }
                accumulator = accumulator << 6 | UInt32(value)
            }
            accumulator <<= 6 * UInt32(padding)
            let produced = [UInt8(truncatingIfNeeded: accumulator >> 16), UInt8(truncatingIfNeeded: accumulator >> 8),
                UInt8(truncatingIfNeeded: accumulator)]
            bytes.append(contentsOf: produced.prefix(3 - padding))
        }
        return bytes
    }

    private static func sextet(_ symbol: UInt8) -> UInt8? {
        switch symbol {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): symbol - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): symbol - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): symbol - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
