/// A `-ignore-namespace` value that names no namespace.
public struct IgnoredNamespaceError: Error, Sendable, Hashable, CustomStringConvertible {
    public var value: String

    public init(value: String) { self.value = value }

    public var description: String {
        "-ignore-namespace \"\(value)\" names no namespace: give a namespace to ignore, or -name to stop ignoring one"
    }
}

/// The `-ignore-namespace` semantics of the original: repeatable, applied in order to the default set;
/// `-name` removes a namespace (`-kube-system`), anything else adds one.
public enum IgnoredNamespacesParser {
    /// The ignored set after applying every flag value, in order, to `defaults`.
    public static func apply(
        _ values: [String], to defaults: Set<String> = ControllerSettings.defaultIgnoredNamespaces
    ) throws(IgnoredNamespaceError) -> Set<String> {
        var namespaces = defaults
        for value in values {
            let trimmed = value.trimmingWhitespace()
            if trimmed.hasPrefix("-") {
                let name = String(trimmed.dropFirst()).trimmingWhitespace()
                guard !name.isEmpty else { throw IgnoredNamespaceError(value: value) }
                namespaces.remove(name)
            } else {
                guard !trimmed.isEmpty else { throw IgnoredNamespaceError(value: value) }
                namespaces.insert(trimmed)
            }
        }
        return namespaces
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs (no Foundation needed).
    fileprivate func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
