/// One value of a kubeconfig as kubectl holds it after sigs.k8s.io/yaml turned the YAML into JSON: tags applied,
/// anchors and merge keys expanded, keys made strings. `line` points back into the file for errors.
package struct KubeconfigValue {
    package enum Content {
        case scalar(GoYAMLScalar.Value)
        case list([KubeconfigValue])
        case mapping([String: KubeconfigValue])
    }

    package var content: Content
    package var line: Int?

    package var isNull: Bool {
        if case .scalar(.null) = content { return true }
        return false
    }

    /// How errors name what was found instead of what a field needs.
    package var kindDescription: String {
        switch content {
        case .scalar(.null): "null"
        case .scalar(.bool): "true or false"
        case .scalar(.int), .scalar(.uint), .scalar(.float): "a number"
        case .scalar(.string): "a string"
        case .list: "a list"
        case .mapping: "a mapping"
        }
    }

    /// The value as JSON, the way kubectl passes an extension on (floats are finite: the reader refuses others).
    var json: JSONValue {
        switch content {
        case .scalar(.null): .null
        case .scalar(.bool(let flag)): .bool(flag)
        case .scalar(.int(let number)): .int(number)
        case .scalar(.uint(let number)): .double(Double(number))
        case .scalar(.float(let number)): .double(number)
        case .scalar(.string(let text)): .string(text)
        case .list(let items): .array(items.map(\.json))
        case .mapping(let members): .object(members.mapValues(\.json))
        }
    }
}
