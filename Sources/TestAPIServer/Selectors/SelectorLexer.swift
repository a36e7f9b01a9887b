/// Splits selector text into kube's selector tokens; whitespace separates but is otherwise ignored.
struct SelectorLexer {
    enum Token: Equatable {
        case identifier(String)
        case comma, bang, equals, doubleEquals, notEquals, openParen, closeParen, greaterThan, lessThan
        case end

        var text: String {
            switch self {
            case .identifier(let value): return value
            case .comma: return ","
            case .bang: return "!"
            case .equals: return "="
            case .doubleEquals: return "=="
            case .notEquals: return "!="
            case .openParen: return "("
            case .closeParen: return ")"
            case .greaterThan: return ">"
            case .lessThan: return "<"
            case .end: return "end of string"
            }
        }
    }

    private var tokens: [Token] = []
    private var position = 0
    private(set) var lastText = ""

    init(_ text: String) {
        let characters = Array(text)
        var index = 0
        func isSpecial(_ c: Character) -> Bool { ",!=()<> \t\n".contains(c) }
        while index < characters.count {
            let c = characters[index]
            switch c {
            case " ", "\t", "\n": index += 1
            case ",": tokens.append(.comma); index += 1
            case "(": tokens.append(.openParen); index += 1
            case ")": tokens.append(.closeParen); index += 1
            case ">": tokens.append(.greaterThan); index += 1
            case "<": tokens.append(.lessThan); index += 1
            case "!":
                if index + 1 < characters.count, characters[index + 1] == "=" {
                    tokens.append(.notEquals); index += 2
                } else {
                    tokens.append(.bang); index += 1
                }
            case "=":
                if index + 1 < characters.count, characters[index + 1] == "=" {
                    tokens.append(.doubleEquals); index += 2
                } else {
                    tokens.append(.equals); index += 1
                }
            default:
                var identifier = ""
                while index < characters.count, !isSpecial(characters[index]) {
                    identifier.append(characters[index]); index += 1
                }
                tokens.append(.identifier(identifier))
            }
        }
    }

    var atEnd: Bool { position >= tokens.count }

    func peek() -> Token { position < tokens.count ? tokens[position] : .end }

    mutating func next() -> Token {
        let token = peek()
        position += 1
        lastText = token.text
        return token
    }
}
