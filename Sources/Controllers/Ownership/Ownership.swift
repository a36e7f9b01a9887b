import KubeAPI

/// How an object barrelman finds in the local cluster relates to this instance.
public enum LocalClaim: Sendable, Hashable {
    /// Written by this instance (or by a former configuration of it): it may update and delete it.
    case ours
    /// Carries no writer (the original Go barrelman's) or no scope (a barrelman from before ownership). Adopted
    /// only where this instance has a reason to write it, never deleted as an orphan.
    case unclaimed
    /// Written for the same remote cluster by another instance whose namespaces do not overlap ours.
    case sibling
    /// Written by an instance of another remote cluster, named here.
    case foreign(String)

    /// True when this instance may change or delete the object.
    public var isOurs: Bool { self == .ours }
}

/// Who owns a local object: the one concept every write path consults.
///
/// Each object barrelman writes (mirrors, EndpointSlices, Endpoints) carries the remote cluster's identity
/// (`barrelman.tfw.io/remote-cluster`) and the writer's namespace scope (`barrelman.tfw.io/scope`). An
/// instance owns what carries its identity and lies in its scope; of its identity outside its scope, what a
/// scope overlapping its own wrote (itself, configured differently before), but not what a disjoint scope
/// wrote (another instance of the same remote). Two instances of one remote must have disjoint scopes.
public struct Ownership: Sendable, Hashable {
    /// This instance's remote cluster identity, stable and unique per remote (e.g. `gke/project/zone/name`).
    public var identity: String
    public var scope: NamespaceScope

    public init(identity: String, scope: NamespaceScope) {
        self.identity = identity
        self.scope = scope
    }

    /// The annotations every object this instance writes carries.
    public var annotations: [String: String] {
        [
            BarrelmanLabels.remoteClusterAnnotation: identity,
            BarrelmanLabels.scopeAnnotation: scope.annotationValue,
        ]
    }

    /// How `meta` (of an object barrelman's labels mark as barrelman's) relates to this instance.
    public func claim(_ meta: ObjectMeta) -> LocalClaim {
        // No writer recorded: the original Go barrelman's. A writer without a scope: a barrelman from before
        // ownership (it named a kubeconfig context, which two users may share), so no proof of whose it is.
        guard let writer = meta.annotations[BarrelmanLabels.remoteClusterAnnotation], !writer.isEmpty,
            let recordedScope = meta.annotations[BarrelmanLabels.scopeAnnotation]
        else { return .unclaimed }
        guard writer == identity else { return .foreign(writer) }
        if scope.contains(meta.namespaceOrDefault) { return .ours }
        // Outside our scope: ours if a scope overlapping ours wrote it (ours before our scope shrank); an
        // unreadable scope is taken as ours (it carries our identity and nothing says another instance wrote it).
        guard let writerScope = NamespaceScope(annotationValue: recordedScope) else { return .ours }
        return writerScope.overlaps(scope) ? .ours : .sibling
    }

    /// True when the annotations this instance writes already stand on `meta`.
    public func isRecorded(on meta: ObjectMeta) -> Bool {
        annotations.allSatisfy { meta.annotations[$0.key] == $0.value }
    }
}
