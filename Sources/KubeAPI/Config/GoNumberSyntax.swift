/// The number and timestamp syntaxes go-yaml v2 tries on a plain scalar, as Go's `strconv` and go-yaml's patterns
/// accept them, so that `0o17`, `0x1F`, `08` (a float: not octal, yet matches the float pattern) and `1e3` get the
/// type kubectl gives them.
enum GoNumberSyntax {
    /// `strconv.ParseInt(text, 0, 64)`: optional sign, then `0x`, `0o`, `0b`, a leading `0` (octal) or decimal.
    static func int64(_ text: String) -> Int64? {
        var digits = Substring(text)
        var negative = false
        if let sign = digits.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        guard let magnitude = uint64(digits) else { return nil }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// `strconv.ParseUint(text, 0, 64)`: no sign allowed.
    static func uint64(_ text: some StringProtocol) -> UInt64? {
        var digits = Substring(text)
        guard !digits.isEmpty else { return nil }
        var radix: UInt64 = 10
        if digits.first == "0" {
            let prefixes: [Character: UInt64] = ["b": 2, "B": 2, "o": 8, "O": 8, "x": 16, "X": 16]
            if digits.count >= 3, let second = digits.dropFirst().first, let prefixed = prefixes[second] {
                radix = prefixed
                digits = digits.dropFirst(2)
            } else {
                radix = 8
                digits = digits.dropFirst()
            }
        }
        return parse(digits, radix: radix)
    }

    /// Digits after `0b`, as go-yaml's fallback parses them: an `int` if it fits, else a `uint`.
    static func binary(_ digits: Substring) -> GoYAMLScalar.Value? {
        guard !digits.isEmpty, let value = parse(digits, radix: 2) else { return nil }
        return value <= UInt64(Int64.max) ? .int(Int64(value)) : .uint(value)
    }

    /// `strconv.ParseFloat` for a scalar starting with `.` (`.5`, `.5e3`, `.5_5`); infinity counts as failure.
    static func float(_ text: String) -> Double? {
        var characters = Substring(text)
        guard characters.first == "." else { return nil }
        characters = characters.dropFirst()
        guard let afterFraction = digitRun(characters) else { return nil }
        characters = afterFraction
        if let marker = characters.first, marker == "e" || marker == "E" {
            characters = characters.dropFirst()
            if let sign = characters.first, sign == "+" || sign == "-" { characters = characters.dropFirst() }
            guard let afterExponent = digitRun(characters) else { return nil }
            characters = afterExponent
        }
        guard characters.isEmpty, let value = Double(text.filter { $0 != "_" }), value.isFinite
        else { return nil }
        return value
    }

    /// go-yaml's `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
    static func isYAMLFloat(_ text: String) -> Bool {
        var characters = Substring(text)
        if let sign = characters.first, sign == "+" || sign == "-" { characters = characters.dropFirst() }
        if characters.first == "." {
            characters = characters.dropFirst()
            guard let rest = plainDigits(characters, atLeastOne: true) else { return false }
            characters = rest
        } else {
            guard let rest = plainDigits(characters, atLeastOne: true) else { return false }
            characters = rest
            if characters.first == "." {
                characters = plainDigits(characters.dropFirst(), atLeastOne: false) ?? characters.dropFirst()
            }
        }
        if let marker = characters.first, marker == "e" || marker == "E" {
            characters = characters.dropFirst()
            if let sign = characters.first, sign == "+" || sign == "-" { characters = characters.dropFirst() }
            guard let rest = plainDigits(characters, atLeastOne: true) else { return false }
            characters = rest
        }
        return characters.isEmpty
    }

    /// go-yaml v2's timestamp layouts: `2006-1-2`, `2006-1-2 15:4:5.999999999`, `2006-1-2T15:4:5.999999999Z07:00`
    /// (and lower-case `t`). Only an explicit `!!timestamp` tag makes the difference between this and a string.
    static func isTimestamp(_ text: String) -> Bool {
        let characters = Array(text)
        var index = 0
        func number(_ minimum: Int, _ maximum: Int) -> Int? {
            var value = 0
            var count = 0
            while index < characters.count, count < maximum, let digit = characters[index].wholeNumberValue,
                characters[index].isASCII
            {
                value = value * 10 + digit
                count += 1
                index += 1
            }
            return count >= minimum ? value : nil
        }
        func expect(_ character: Character) -> Bool {
            guard index < characters.count, characters[index] == character else { return false }
            index += 1
            return true
        }
        guard number(4, 4) != nil, expect("-"), let month = number(1, 2), expect("-"), let day = number(1, 2),
            (1...12).contains(month), (1...31).contains(day)
        else { return false }
        if index == characters.count { return true }
        let separator = characters[index]
        guard separator == "T" || separator == "t" || separator == " " else { return false }
        index += 1
        guard let hour = number(1, 2), expect(":"), let minute = number(1, 2), expect(":"),
            let second = number(1, 2), hour < 24, minute < 60, second < 60
        else { return false }
        if expect(".") { guard number(1, 9) != nil else { return false } }
        if separator == " " { return index == characters.count }
        if expect("Z") { return index == characters.count }
        guard expect("+") || expect("-"), number(2, 2) != nil, expect(":"), number(2, 2) != nil else { return false }
        return index == characters.count
    }

    // MARK: private

    private static func parse(_ digits: Substring, radix: UInt64) -> UInt64? {
        var value: UInt64 = 0
        for character in digits {
            guard character.isASCII, let digit = character.hexDigitValue.map(UInt64.init), digit < radix else {
                return nil
            }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: radix)
            let (sum, carry) = shifted.addingReportingOverflow(digit)
            guard !overflow, !carry else { return nil }
            value = sum
        }
        return value
    }

    /// Digits with single underscores between them (Go float syntax); nil unless at least one digit leads.
    private static func digitRun(_ characters: Substring) -> Substring? {
        var rest = characters
        guard let first = rest.first, first.isASCII, first.isNumber else { return nil }
        rest = rest.dropFirst()
        while let next = rest.first {
            if next.isASCII, next.isNumber {
                rest = rest.dropFirst()
            } else if next == "_", let after = rest.dropFirst().first, after.isASCII, after.isNumber {
                rest = rest.dropFirst(2)
            } else {
                break
            }
        }
        return rest
    }

    private static func plainDigits(_ characters: Substring, atLeastOne: Bool) -> Substring? {
        let rest = characters.drop { $0.isASCII && $0.isNumber }
        if atLeastOne, rest.count == characters.count { return nil }
        return rest
    }
}
