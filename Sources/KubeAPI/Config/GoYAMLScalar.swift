/// What one YAML scalar is to kubectl. kubectl reads a kubeconfig with sigs.k8s.io/yaml, which decodes the YAML
/// into `interface{}` with go-yaml v2 and re-encodes that as JSON; so a scalar's type is go-yaml v2's answer, with
/// its YAML 1.1 habits (`yes` and `n` are booleans, `0x1F` and `1_000` integers), not the YAML 1.2 core schema.
/// This is a port of go-yaml v2's `resolve` and of the bits of its decoder around it (`prepare`, `!!binary`).
package enum GoYAMLScalar {
    package enum Value: Hashable {
        case null
        case bool(Bool)
        case int(Int64)
        /// Above `Int64.max`, as go-yaml returns it.
        case uint(UInt64)
        case float(Double)
        case string(String)
    }

    /// A tag that does not fit its value (`!!int abc`) or a `!!binary` that is not base64; kubectl rejects both.
    struct Mismatch: Error {
        var reason: String
    }

    static let tagPrefix = "tag:yaml.org,2002:"

    /// - Parameters:
    ///   - explicitTag: the tag written on the scalar in long form (`tag:yaml.org,2002:int`, `!`, `!local`), nil
    ///     when it has none.
    ///   - plain: whether it is written without quotes or a block indicator.
    static func resolve(_ text: String, explicitTag: String?, plain: Bool) throws(Mismatch) -> Value {
        guard let tag = explicitTag else {
            if plain { return try resolve(text, tag: "") }
            // Quoted and block scalars are strings, except that go-yaml v2 still takes an untagged "null" or "~"
            // for null (its `prepare` only looks at the text).
            return text == "null" || text == "~" ? .null : .string(text)
        }
        switch tag {
        case tagPrefix + "null":
            return .null
        case tagPrefix + "binary":
            guard let bytes = GoBase64.decode(text) else {
                throw Mismatch(reason: "is tagged !!binary but is not base64")
            }
            // Go keeps the bytes in a string; JSON encoding then replaces invalid UTF-8 as this does.
            return .string(String(decoding: bytes, as: UTF8.self))
        default:
            return try resolve(text, tag: tag)
        }
    }

    // MARK: go-yaml v2 `resolve`

    private static let resolvableTags: Set<String> = [
        "", tagPrefix + "str", tagPrefix + "bool", tagPrefix + "int", tagPrefix + "float", tagPrefix + "timestamp",
    ]

    private static let known: [String: Value] = {
        var table: [String: Value] = [:]
        for word in ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"] { table[word] = .bool(true) }
        for word in ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"] {
            table[word] = .bool(false)
        }
        for word in ["", "~", "null", "Null", "NULL"] { table[word] = .null }
        for word in [".nan", ".NaN", ".NAN"] { table[word] = .float(.nan) }
        for word in [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"] { table[word] = .float(.infinity) }
        for word in ["-.inf", "-.Inf", "-.INF"] { table[word] = .float(-.infinity) }
        return table
    }()

    private static func resolve(_ text: String, tag: String) throws(Mismatch) -> Value {
        guard resolvableTags.contains(tag) else { return .string(text) }  // `!`, `!local`, `!!map` on a scalar
        if tag == tagPrefix + "str" { return .string(text) }
        let (resolvedTag, value) = implicit(text, timestamps: tag.isEmpty || tag == tagPrefix + "timestamp")
        if tag.isEmpty || tag == tagPrefix + resolvedTag {
            // A timestamp stays the text it was (go-yaml v2 keeps it a string in `interface{}`).
            return resolvedTag == "timestamp" ? .string(text) : value
        }
        if tag == tagPrefix + "float" {
            switch value {
            case .int(let number): return .float(Double(number))
            default: break
            }
        }
        throw Mismatch(reason: "is tagged !!\(tag.dropFirst(tagPrefix.count)) but reads as !!\(resolvedTag)")
    }

    /// The type go-yaml v2 gives an untagged plain scalar, by its first character as go-yaml does.
    private static func implicit(_ text: String, timestamps: Bool) -> (tag: String, value: Value) {
        let hint: Character
        if let first = text.utf8.first {
            switch first {
            case UInt8(ascii: "+"), UInt8(ascii: "-"): hint = "S"
            case UInt8(ascii: "0")...UInt8(ascii: "9"): hint = "D"
            case UInt8(ascii: "."): hint = "."
            case _ where "yYnNtTfFoO~".utf8.contains(first): hint = "M"
            default: return ("str", .string(text))
            }
        } else {
            hint = "N"
        }
        if let value = known[text] { return (tagName(of: value), value) }
        switch hint {
        case ".":
            if let number = GoNumberSyntax.float(text) { return ("float", .float(number)) }
        case "D", "S":
            if timestamps, GoNumberSyntax.isTimestamp(text) { return ("timestamp", .string(text)) }
            let plain = text.filter { $0 != "_" }
            if let number = GoNumberSyntax.int64(plain) { return ("int", .int(number)) }
            if let number = GoNumberSyntax.uint64(plain) { return ("int", .uint(number)) }
            if GoNumberSyntax.isYAMLFloat(plain), let number = Double(plain), number.isFinite {
                return ("float", .float(number))
            }
            if plain.hasPrefix("0b"), let number = GoNumberSyntax.binary(plain.dropFirst(2)) { return ("int", number) }
            if plain.hasPrefix("-0b"), let magnitude = GoNumberSyntax.binary(plain.dropFirst(3)),
                case .int(let number) = magnitude
            {
                return ("int", .int(-number))
            }
        default:
            break
        }
        return ("str", .string(text))
    }

    private static func tagName(of value: Value) -> String {
        switch value {
        case .null: "null"
        case .bool: "bool"
        case .int, .uint: "int"
        case .float: "float"
        case .string: "str"
        }
    }
}
