/// A remote EndpointSlice projected to what `externalTrafficPolicy: Local` routing needs: the service it
/// belongs to and the nodes its endpoints run on, by state.
///
/// Decoding skips addresses, ports, targetRefs and every other field, and keeps each node name once per
/// slice, so a remote cluster with 100,000 pods costs a few node names per slice.
public struct EndpointSliceSummary: KubeResource, Sendable, Hashable {
    public static let resourceType = ResourceType.endpointSlices

    /// Name, namespace, uid, resourceVersion and only the `kubernetes.io/service-name` label.
    public var metadata: ObjectMeta
    /// Nodes with at least one ready endpoint (a missing `ready` counts as ready, as for every consumer).
    public var readyNodes: [String]
    /// Nodes with a serving endpoint that is terminating: what kube-proxy falls back to when no endpoint is ready.
    public var servingTerminatingNodes: [String]

    public init(metadata: ObjectMeta = ObjectMeta(), readyNodes: [String] = [], servingTerminatingNodes: [String] = []) {
        self.metadata = metadata
        self.readyNodes = readyNodes
        self.servingTerminatingNodes = servingTerminatingNodes
    }

    /// The service this slice belongs to, from its `kubernetes.io/service-name` label.
    public var serviceName: String? { metadata.labels[EndpointSlice.serviceNameLabel] }

    public init(json: JSONNode) throws(JSONDecodingError) {
        try json.requireObject()
        metadata = try json.withMember("metadata") { (meta) throws(JSONDecodingError) -> ObjectMeta in
            try meta.requireObject()
            var labels: [String: String] = [:]
            _ = try meta.withMember("labels") { (node) throws(JSONDecodingError) in
                try node.requireObject()
                if let value = try node.decode(EndpointSlice.serviceNameLabel, as: String.self) {
                    labels[EndpointSlice.serviceNameLabel] = value
                }
            }
            return ObjectMeta(
                name: try meta.decode("name") ?? "", namespace: try meta.decode("namespace"), uid: try meta.decode("uid"),
                resourceVersion: try meta.decode("resourceVersion"), labels: labels)
        } ?? ObjectMeta()
        var ready = Set<String>()
        var servingTerminating = Set<String>()
        _ = try json.withMember("endpoints") { (endpoints) throws(JSONDecodingError) in
            try endpoints.forEachElement { (_, endpoint) throws(JSONDecodingError) in
                guard let node: String = try endpoint.decode("nodeName") else { return }
                let conditions = try endpoint.decode("conditions", as: EndpointConditions.self) ?? EndpointConditions()
                if conditions.ready ?? true {
                    ready.insert(node)
                } else if conditions.serving ?? false, conditions.terminating ?? false {
                    servingTerminating.insert(node)
                }
            }
        }
        readyNodes = ready.sorted()
        servingTerminatingNodes = servingTerminating.sorted()
    }

    /// EndpointSlice-shaped JSON holding only the summarized fields (one endpoint per node and state).
    public func toJSON() -> JSONValue {
        var endpoints: [JSONValue] = readyNodes.map { ["addresses": [], "nodeName": .string($0), "conditions": ["ready": true]] }
        endpoints += servingTerminatingNodes.map {
            ["addresses": [], "nodeName": .string($0), "conditions": ["ready": false, "serving": true, "terminating": true]]
        }
        var object = JSONObjectBuilder(objectOf: EndpointSliceSummary.self, metadata: metadata)
        object.set("addressType", "IPv4")
        object.set("endpoints", JSONValue.array(endpoints))
        return object.value
    }
}
