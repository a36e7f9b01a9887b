/// One value of a kubeconfig as kubectl holds it after sigs.k8s.io/yaml turned the YAML into JSON: tags applied,
/// anchors and merge keys expanded, keys made strings. `line` points back into the file for errors.
struct KubeconfigValue {
    enum Content {
        case null
        case bool(Bool)
        case int(Int64)
        case uint(UInt64)
        case float(Double)
        case string(String)
        case list([KubeconfigValue])
        case mapping([String: KubeconfigValue])
    }

    var content: Content
    var line: Int?

    var isNull: Bool {
        if case .null = content { return true }
        return false
    }

    /// How errors name what was found instead of what a field needs.
    var kindDescription: String {
        switch content {
        case .null: "null"
        case .bool: "true or false"
        case .int, .uint, .float: "a number"
        case .string: "a string"
        case .list: "a list"
        case .mapping: "a mapping"
        }
    }

    /// The value as JSON, the way kubectl passes an extension on (floats are finite: the reader refuses others).
    var json: JSONValue {
        switch content {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .int(let number): .int(number)
        case .uint(let number): .double(Double(number))
        case .float(let number): .double(number)
        case .string(let text): .string(text)
        case .list(let items): .array(items.map(\.json))
        case .mapping(let members): .object(members.mapValues(\.json))
        }
    }
}
