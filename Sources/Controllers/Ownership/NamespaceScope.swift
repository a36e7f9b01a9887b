/// The namespaces one barrelman instance mirrors: `-namespace` (an allowlist; empty means every namespace)
/// minus `-ignore-namespace`.
///
/// Every object barrelman writes records the scope of the instance that wrote it, so that two instances
/// of the same remote cluster with disjoint scopes (`-namespace a` and `-namespace b`) can tell each
/// other's objects from objects a former configuration of their own left behind.
public struct NamespaceScope: Sendable, Hashable {
    /// Allowed namespaces; empty means all.
    public var allowed: Set<String>
    /// Namespaces never mirrored.
    public var ignored: Set<String>

    public init(allowed: Set<String> = [], ignored: Set<String> = []) {
        self.allowed = allowed
        self.ignored = ignored
    }

    /// True when services of `namespace` are mirrored.
    public func contains(_ namespace: String) -> Bool {
        !ignored.contains(namespace) && (allowed.isEmpty || allowed.contains(namespace))
    }

    /// True when some namespace is in both scopes. Two scopes without an allowlist always overlap: the set
    /// of namespace names is unbounded.
    public func overlaps(_ other: NamespaceScope) -> Bool {
        switch (allowed.isEmpty, other.allowed.isEmpty) {
        case (true, true): return true
        case (false, true): return allowed.contains { other.contains($0) && contains($0) }
        case (true, false): return other.overlaps(self)
        case (false, false): return allowed.contains { other.contains($0) && contains($0) }
        }
    }

    /// The annotation form: the effective allowlist (`a,b`), or `*` followed by `!name` per ignored namespace.
    public var annotationValue: String {
        if !allowed.isEmpty { return allowed.subtracting(ignored).sorted().joined(separator: ",") }
        return (["*"] + ignored.sorted().map { "!" + $0 }).joined(separator: ",")
    }

    /// Reads `annotationValue`; nil when the value is not one.
    public init?(annotationValue value: String) {
        let parts = value.split(separator: ",", omittingEmptySubsequences: true).map(String.init)
        guard let first = parts.first else { return nil }
        if first == "*" {
            let rest = parts.dropFirst()
            guard rest.allSatisfy({ $0.hasPrefix("!") && $0.count > 1 }) else { return nil }
            self.init(ignored: Set(rest.map { String($0.dropFirst()) }))
        } else {
            guard parts.allSatisfy({ !$0.hasPrefix("!") && $0 != "*" }) else { return nil }
            self.init(allowed: Set(parts))
        }
    }
}
