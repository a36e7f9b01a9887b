/// Where each modelled kind lives in the API; models and projections point their `resourceType` here.
extension ResourceType {
    /// core/v1 services, namespaced.
    public static let services = ResourceType(
        group: "", version: "v1", plural: "services", kind: "Service", namespaced: true)
    /// core/v1 nodes, cluster-scoped.
    public static let nodes = ResourceType(
        group: "", version: "v1", plural: "nodes", kind: "Node", namespaced: false)
    /// core/v1 endpoints, namespaced.
    public static let endpoints = ResourceType(
        group: "", version: "v1", plural: "endpoints", kind: "Endpoints", namespaced: true)
    /// discovery.k8s.io/v1 endpointslices, namespaced.
    public static let endpointSlices = ResourceType(
        group: "discovery.k8s.io", version: "v1", plural: "endpointslices", kind: "EndpointSlice", namespaced: true)
    /// core/v1 namespaces, cluster-scoped.
    public static let namespaces = ResourceType(
        group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false)
    /// coordination.k8s.io/v1 leases, namespaced.
    public static let leases = ResourceType(
        group: "coordination.k8s.io", version: "v1", plural: "leases", kind: "Lease", namespaced: true)
    /// core/v1 events, namespaced.
    public static let events = ResourceType(
        group: "", version: "v1", plural: "events", kind: "Event", namespaced: true)
}
