/// A resource type the test API server serves, with the kube behaviour flags that differ per type.
public struct ResourceKind: Sendable, Hashable {
    /// API group; "" for core.
    public var group: String
    public var version: String
    public var plural: String
    public var kind: String
    public var namespaced: Bool
    /// Served `/status` subresource; the main resource's writes then keep the stored status.
    public var hasStatusSubresource: Bool
    /// Whether the registry strategy maintains `metadata.generation` (services and endpointslices do, nodes don't).
    public var tracksGeneration: Bool
    /// Whether DELETE answers with the deleted object (`ReturnDeletedObject`) rather than a Success Status.
    public var returnsDeletedObject: Bool
    /// Names must be DNS-1123 labels (services, namespaces) rather than subdomains.
    public var namesAreLabels: Bool

    /// `v1` or `group/version`, as in an object's `apiVersion`.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    /// The list type's kind, e.g. `ServiceList`.
    public var listKind: String { kind + "List" }
    /// `services` or `leases.coordination.k8s.io`, as kube names a resource in messages.
    public var qualifiedName: String { group.isEmpty ? plural : "\(plural).\(group)" }
}

extension ResourceKind {
    public static let namespaces = ResourceKind(
        group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false,
        hasStatusSubresource: true, tracksGeneration: false, returnsDeletedObject: true, namesAreLabels: true)
    public static let nodes = ResourceKind(
        group: "", version: "v1", plural: "nodes", kind: "Node", namespaced: false,
        hasStatusSubresource: true, tracksGeneration: false, returnsDeletedObject: false, namesAreLabels: false)
    public static let services = ResourceKind(
        group: "", version: "v1", plural: "services", kind: "Service", namespaced: true,
        hasStatusSubresource: true, tracksGeneration: true, returnsDeletedObject: true, namesAreLabels: true)
    public static let endpoints = ResourceKind(
        group: "", version: "v1", plural: "endpoints", kind: "Endpoints", namespaced: true,
        hasStatusSubresource: false, tracksGeneration: false, returnsDeletedObject: false, namesAreLabels: false)
    public static let events = ResourceKind(
        group: "", version: "v1", plural: "events", kind: "Event", namespaced: true,
        hasStatusSubresource: false, tracksGeneration: false, returnsDeletedObject: false, namesAreLabels: false)
    public static let endpointSlices = ResourceKind(
        group: "discovery.k8s.io", version: "v1", plural: "endpointslices", kind: "EndpointSlice", namespaced: true,
        hasStatusSubresource: false, tracksGeneration: true, returnsDeletedObject: false, namesAreLabels: false)
    public static let leases = ResourceKind(
        group: "coordination.k8s.io", version: "v1", plural: "leases", kind: "Lease", namespaced: true,
        hasStatusSubresource: false, tracksGeneration: false, returnsDeletedObject: false, namesAreLabels: false)

    /// Every resource served, in discovery order.
    public static let all: [ResourceKind] = [namespaces, nodes, services, endpoints, events, endpointSlices, leases]

    /// The served resource for a group, version and plural.
    public static func lookup(group: String, version: String, plural: String) -> ResourceKind? {
        all.first { $0.group == group && $0.version == version && $0.plural == plural }
    }

    /// The served resource whose objects carry `apiVersion` and `kind`.
    public static func lookup(apiVersion: String, kind: String) -> ResourceKind? {
        all.first { $0.apiVersion == apiVersion && $0.kind == kind }
    }

    /// The served resource by plural name (and optional group), for the convenience API.
    public static func lookup(plural: String, group: String? = nil) -> ResourceKind? {
        all.first { $0.plural == plural && (group == nil || $0.group == group) }
    }
}
