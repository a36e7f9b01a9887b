/// The identity of an object in an informer's cache: `namespace/name`, or `name` for cluster-scoped objects.
public struct ObjectKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// nil for cluster-scoped objects.
    public var namespace: String?
    public var name: String

    /// A key; an empty namespace counts as none.
    public init(namespace: String?, name: String) {
        // An empty namespace is how cluster-scoped objects sometimes arrive; it must not make a second key.
        self.namespace = namespace?.isEmpty == true ? nil : namespace
        self.name = name
    }

    /// The key of `object`, from its metadata.
    public init(of object: some KubeResource) {
        self.init(namespace: object.metadata.namespace, name: object.metadata.name)
    }

    /// Sorted by namespace (cluster-scoped first), then name.
    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        let left = lhs.namespace ?? "", right = rhs.namespace ?? ""
        return left != right ? left < right : lhs.name < rhs.name
    }

    /// `namespace/name`, or `name` for cluster-scoped objects, as kubectl and client-go print keys.
    public var description: String {
        namespace.map { "\($0)/\(name)" } ?? name
    }
}
