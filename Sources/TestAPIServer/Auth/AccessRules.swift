/// What a user may do: everything, or only requests some rule allows (an RBAC-like allow list).
public enum AccessRules: Sendable, Equatable {
    case all
    case rules([AccessRule])

    /// Whether a request with this verb on this resource (e.g. `services`, `nodes/status`) in `namespace` is allowed.
    public func allows(verb: String, resource: String, group: String, namespace: String?) -> Bool {
        switch self {
        case .all: return true
        case .rules(let rules):
            return rules.contains { $0.allows(verb: verb, resource: resource, group: group, namespace: namespace) }
        }
    }
}

/// One allow rule: verbs on resources (`*` wildcards), optionally only in some namespaces.
public struct AccessRule: Sendable, Equatable {
    public var verbs: Set<String>
    public var resources: Set<String>
    /// API groups the rule covers; nil means every group.
    public var groups: Set<String>?
    /// Namespaces the rule covers; nil means every namespace and cluster-scoped requests.
    public var namespaces: Set<String>?

    public init(verbs: Set<String>, resources: Set<String>, groups: Set<String>? = nil, namespaces: Set<String>? = nil) {
        self.verbs = verbs
        self.resources = resources
        self.groups = groups
        self.namespaces = namespaces
    }

    func allows(verb: String, resource: String, group: String, namespace: String?) -> Bool {
        guard verbs.contains("*") || verbs.contains(verb) else { return false }
        guard resources.contains("*") || resources.contains(resource) else { return false }
        if let groups, !groups.contains("*"), !groups.contains(group) { return false }
        if let namespaces {
            guard let namespace, namespaces.contains(namespace) else { return false }
        }
        return true
    }
}
