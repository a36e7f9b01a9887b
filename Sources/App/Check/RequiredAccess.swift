import Controllers

/// One permission barrelman needs: a verb on a resource, cluster-wide (`namespace` nil) or in one namespace.
struct AccessNeed: Sendable, Hashable {
    var verb: String
    var resource: String
    /// "" for the core group.
    var group: String
    var namespace: String?

    /// `services` or `endpointslices.discovery.k8s.io`, as RBAC and kube's messages name it.
    var qualifiedResource: String { group.isEmpty ? resource : "\(resource).\(group)" }

    /// `create on endpointslices.discovery.k8s.io in namespace shop`.
    var description: String {
        "\(verb) on \(qualifiedResource) \(namespace.map { "in namespace \($0)" } ?? "cluster-wide")"
    }
}

/// What barrelman does in each cluster (README "Permissions"; `deploy/base/clusterrole.yaml` and `role.yaml`
/// grant exactly this, and `DeployDriftTests` holds both to the code).
enum RequiredAccess {
    /// The remote cluster is only read, through cluster-wide informers.
    static let remote: [AccessNeed] = [
        ("nodes", ""), ("services", ""), ("endpointslices", "discovery.k8s.io"),
    ].flatMap { resource, group in
        ["list", "watch"].map { AccessNeed(verb: $0, resource: resource, group: group, namespace: nil) }
    }

    /// The ClusterRole's verbs, by resource: informers (list, watch) always cluster-wide, writes where mirrors are.
    static let clusterRole: [(resource: String, group: String, verbs: [String])] = [
        ("services", "", ["list", "watch", "create", "update", "delete"]),
        ("endpoints", "", ["list", "watch", "create", "update", "delete"]),
        ("endpointslices", "discovery.k8s.io", ["list", "watch", "create", "update", "delete"]),
        ("namespaces", "", ["get", "create"]),
        ("events", "", ["create"]),
    ]

    /// The leader-election Role's verbs, in the Lease's namespace.
    static let leaseVerbs = ["get", "create", "update"]

    /// Every permission barrelman uses locally with these settings: informers list and watch across all
    /// namespaces; writes go to the `-namespace` allowlist's namespaces (every namespace without one);
    /// namespaces are cluster-scoped; the Lease lives in `leaseNamespace` when leader election is on.
    static func local(settings: ControllerSettings, leaseNamespace: String, leaderElection: Bool) -> [AccessNeed] {
        let writeNamespaces: [String?] =
            settings.allowedNamespaces.isEmpty
            ? [nil] : settings.allowedNamespaces.subtracting(settings.ignoredNamespaces).sorted().map { $0 }
        var needs: [AccessNeed] = []
        for (resource, group, verbs) in clusterRole {
            for verb in verbs {
                let clusterWide = resource == "namespaces" || verb == "list" || verb == "watch"
                for namespace in clusterWide ? [nil] : writeNamespaces {
                    needs.append(AccessNeed(verb: verb, resource: resource, group: group, namespace: namespace))
                }
            }
        }
        if leaderElection {
            needs += leaseVerbs.map {
                AccessNeed(verb: $0, resource: "leases", group: "coordination.k8s.io", namespace: leaseNamespace)
            }
        }
        return needs
    }
}
