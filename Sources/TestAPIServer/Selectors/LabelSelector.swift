/// A parsed label selector with kube's grammar: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`,
/// `a>1`, `a<1`, comma-separated requirements all of which must hold.
public struct LabelSelector: Sendable, Equatable {
    enum Operator: Sendable, Equatable {
        case equals, notEquals, `in`, notIn, exists, doesNotExist, greaterThan, lessThan
    }

    struct Requirement: Sendable, Equatable {
        var key: String
        var op: Operator
        var values: [String]

        func matches(_ labels: [String: String]) -> Bool {
            let value = labels[key]
            switch op {
            case .equals, .in: return value.map(values.contains) ?? false
            case .notEquals, .notIn: return value.map { !values.contains($0) } ?? true
            case .exists: return value != nil
            case .doesNotExist: return value == nil
            case .greaterThan, .lessThan:
                guard let value, let actual = Int64(value), let bound = values.first.flatMap({ Int64($0) }) else {
                    return false
                }
                return op == .greaterThan ? actual > bound : actual < bound
            }
        }
    }

    var requirements: [Requirement]

    /// The selector that matches everything.
    public static let everything = LabelSelector(requirements: [])

    public var isEmpty: Bool { requirements.isEmpty }

    /// Whether an object's labels satisfy every requirement.
    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { $0.matches(labels) }
    }

    /// Parses the `labelSelector` query parameter; the error text is what kube puts in its 400.
    public static func parse(_ text: String) throws(SelectorParseError) -> LabelSelector {
        var lexer = SelectorLexer(text)
        var requirements: [Requirement] = []
        if lexer.atEnd { return .everything }
        while true {
            requirements.append(try parseRequirement(&lexer))
            if lexer.atEnd { break }
            let token = lexer.next()
            guard token == .comma else {
                throw SelectorParseError(message: "found '\(token.text)', expected: ',' or 'end of string'")
            }
        }
        return LabelSelector(requirements: requirements)
    }

    private static func parseRequirement(_ lexer: inout SelectorLexer) throws(SelectorParseError) -> Requirement {
        var token = lexer.next()
        if token == .bang {
            guard case .identifier(let key) = lexer.next() else {
                throw SelectorParseError(message: "found '\(lexer.lastText)', expected: identifier")
            }
            try validateKey(key)
            return Requirement(key: key, op: .doesNotExist, values: [])
        }
        guard case .identifier(let key) = token else {
            throw SelectorParseError(message: "found '\(token.text)', expected: !, identifier, or 'end of string'")
        }
        try validateKey(key)
        if lexer.atEnd || lexer.peek() == .comma {
            return Requirement(key: key, op: .exists, values: [])
        }
        token = lexer.next()
        let op: Operator
        switch token {
        case .equals, .doubleEquals: op = .equals
        case .notEquals: op = .notEquals
        case .greaterThan: op = .greaterThan
        case .lessThan: op = .lessThan
        case .identifier("in"): op = .in
        case .identifier("notin"): op = .notIn
        default:
            throw SelectorParseError(message: "found '\(token.text)', expected: in, notin, =, ==, !=, gt, lt")
        }
        if op == .in || op == .notIn {
            guard lexer.next() == .openParen else {
                throw SelectorParseError(message: "found '\(lexer.lastText)', expected: '('")
            }
            var values: [String] = []
            while true {
                var next = lexer.next()
                if case .identifier(let value) = next {
                    try validateValue(value)
                    values.append(value)
                    next = lexer.next()
                } else {
                    values.append("")
                }
                if next == .closeParen { break }
                guard next == .comma else {
                    throw SelectorParseError(message: "found '\(next.text)', expected: ',', ')' or identifier")
                }
            }
            return Requirement(key: key, op: op, values: values)
        }
        // A single value; `a=` selects the empty value.
        if lexer.atEnd || lexer.peek() == .comma {
            guard op == .equals || op == .notEquals else {
                throw SelectorParseError(message: "found 'end of string', expected: identifier")
            }
            return Requirement(key: key, op: op, values: [""])
        }
        guard case .identifier(let value) = lexer.next() else {
            throw SelectorParseError(message: "found '\(lexer.lastText)', expected: identifier")
        }
        try validateValue(value)
        if op == .greaterThan || op == .lessThan, Int64(value) == nil {
            throw SelectorParseError(message: "for 'Gt', 'Lt' operators, the value must be an integer")
        }
        return Requirement(key: key, op: op, values: [value])
    }

    private static func validateKey(_ key: String) throws(SelectorParseError) {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        let name = parts.last.map(String.init) ?? ""
        guard parts.count <= 2, NameRules.isQualifiedNamePart(name),
            parts.count == 1 || NameRules.isDNS1123Subdomain(String(parts[0]))
        else {
            throw SelectorParseError(
                message: "key: Invalid value: \"\(key)\": name part must consist of alphanumeric characters, '-', '_' "
                    + "or '.', and must start and end with an alphanumeric character")
        }
    }

    private static func validateValue(_ value: String) throws(SelectorParseError) {
        guard value.isEmpty || NameRules.isQualifiedNamePart(value) else {
            throw SelectorParseError(
                message: "values[0]: Invalid value: \"\(value)\": a valid label must be an empty string or consist of "
                    + "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character")
        }
    }
}

/// A selector that does not parse; rendered as a 400 BadRequest.
public struct SelectorParseError: Error, Sendable {
    public var message: String
}
