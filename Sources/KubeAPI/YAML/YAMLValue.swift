/// A YAML value as Kubernetes tools hold it after sigs.k8s.io/yaml (go-yaml v2 typing, anchors and merge keys
/// expanded, keys made strings): what manifests and Helm values read to, for callers outside kubeconfig loading.
public enum YAMLValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    /// Above `Int64.max`.
    case uint(UInt64)
    case float(Double)
    case string(String)
    case list([YAMLValue])
    case mapping([String: YAMLValue])

    /// Every document of `text` (`---` between them), an empty one as null; one line naming the line and column
    /// of the first problem otherwise.
    public static func documents(_ text: String) throws(YAMLError) -> [YAMLValue] {
        do {
            return try KubeconfigYAMLReader.readAll(text).map(YAMLValue.init)
        } catch {
            throw YAMLError(message: error.detail)
        }
    }

    /// The first document only (what follows it is not read), nil for an empty stream.
    public static func firstDocument(_ text: String) throws(YAMLError) -> YAMLValue? {
        do {
            return try KubeconfigYAMLReader.read(text, refusal: nil).map(YAMLValue.init)
        } catch {
            throw YAMLError(message: error.detail)
        }
    }

    init(_ value: KubeconfigValue) {
        switch value.content {
        case .scalar(.null): self = .null
        case .scalar(.bool(let flag)): self = .bool(flag)
        case .scalar(.int(let number)): self = .int(number)
        case .scalar(.uint(let number)): self = .uint(number)
        case .scalar(.float(let number)): self = .float(number)
        case .scalar(.string(let text)): self = .string(text)
        case .list(let items): self = .list(items.map(YAMLValue.init))
        case .mapping(let members): self = .mapping(members.mapValues(YAMLValue.init))
        }
    }

    // MARK: reading

    /// The member `key` of a mapping; nil for a missing key or a value that is not a mapping.
    public subscript(key: String) -> YAMLValue? {
        mapping?[key]
    }

    public var mapping: [String: YAMLValue]? {
        if case .mapping(let members) = self { return members }
        return nil
    }

    public var list: [YAMLValue]? {
        if case .list(let items) = self { return items }
        return nil
    }

    public var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var bool: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    /// A scalar as Go's `fmt` prints it (`%v`), as a Helm template renders a value; nil for a list or mapping.
    public var scalarText: String? {
        switch self {
        case .null: "<nil>"
        case .bool(let flag): flag ? "true" : "false"
        case .int(let number): String(number)
        case .uint(let number): String(number)
        case .float(let number): Self.goText(number)
        case .string(let text): text
        case .list, .mapping: nil
        }
    }

    /// Go's `%v` of a float64 (`strconv.FormatFloat(f, 'g', -1, 64)`) for the values a chart holds; the exponent
    /// form Go picks for very large or small numbers is not reproduced.
    private static func goText(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number > 0 ? "+Inf" : "-Inf" }
        let text = "\(number)"
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}

/// Why a YAML text could not be read: one line with the line and column, never the text around them.
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public var description: String { message }
}
