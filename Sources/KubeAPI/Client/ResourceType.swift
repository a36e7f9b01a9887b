/// Where a kind of object lives in the API: `/api/v1/namespaces/{ns}/services`,
/// `/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices`.
public struct ResourceType: Sendable, Hashable, CustomStringConvertible {
    /// Empty for the core group.
    public var group: String
    public var version: String
    /// Lower-case plural used in URLs (`services`).
    public var plural: String
    public var kind: String
    public var namespaced: Bool

    public init(group: String, version: String, plural: String, kind: String, namespaced: Bool) {
        self.group = group
        self.version = version
        self.plural = plural
        self.kind = kind
        self.namespaced = namespaced
    }

    /// `v1` or `discovery.k8s.io/v1`.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// The collection path, across all namespaces when `namespace` is nil.
    public func collectionPath(namespace: String?) -> String {
        var path = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        if namespaced, let namespace {
            path += "/namespaces/\(namespace)"
        }
        return path + "/" + plural
    }

    /// The path of one object, optionally one of its subresources (`status`).
    public func objectPath(namespace: String?, name: String, subresource: String? = nil) -> String {
        var path = collectionPath(namespace: namespace) + "/" + name
        if let subresource { path += "/" + subresource }
        return path
    }

    /// `services` or `endpointslices.discovery.k8s.io`, as RBAC and error messages name resources.
    public var description: String { group.isEmpty ? plural : "\(plural).\(group)" }
}

/// A Kubernetes object type the client can read and write. Projections (a node with only its addresses
/// and conditions) conform too, with the same `resourceType`, so informers cache only what they need.
public protocol KubeResource: JSONCodable, Sendable {
    static var resourceType: ResourceType { get }
    var metadata: ObjectMeta { get set }
}
