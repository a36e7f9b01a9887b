/// A node projected to what routing needs: name, the topology labels, cordon state, addresses and readiness.
///
/// Decoding looks the wanted members up by key and never builds Swift values for the rest of a node
/// (images, nodeInfo, managedFields, other labels), so a cache of thousands of nodes stays small.
public struct NodeSummary: KubeResource, Sendable, Hashable {
    public static let resourceType = ResourceType.nodes

    /// The only labels kept; every other label is skipped while decoding.
    public static let keptLabelKeys: [String] = [
        zoneLabel, regionLabel, excludeFromExternalLoadBalancersLabel, hostnameLabel,
    ]
    public static let zoneLabel = "topology.kubernetes.io/zone"
    public static let regionLabel = "topology.kubernetes.io/region"
    public static let excludeFromExternalLoadBalancersLabel = "node.kubernetes.io/exclude-from-external-load-balancers"
    public static let hostnameLabel = "kubernetes.io/hostname"
    /// The taint the cluster autoscaler puts on a node it is about to remove.
    public static let toBeDeletedTaint = "ToBeDeletedByClusterAutoscaler"

    /// The value of a node condition's `status`.
    public enum ConditionStatus: Sendable, Hashable {
        case `true`, `false`, unknown

        var rawValue: String {
            switch self {
            case .true: return "True"
            case .false: return "False"
            case .unknown: return "Unknown"
            }
        }

        init(json: JSONNode) throws(JSONDecodingError) {
            if json.stringEquals("True") {
                self = .true
            } else if json.stringEquals("False") {
                self = .false
            } else if json.kind == .string {
                self = .unknown
            } else {
                throw JSONDecodingError("expected a string, found \(json.kind)")
            }
        }
    }

    /// Only name, uid, resourceVersion and the kept labels.
    public var metadata: ObjectMeta
    public var unschedulable: Bool
    /// The cluster autoscaler is removing this node (taint `ToBeDeletedByClusterAutoscaler`).
    public var toBeDeletedByClusterAutoscaler: Bool
    public var addresses: [NodeAddress]
    /// The `Ready` condition's status, nil when the node reports none.
    public var ready: ConditionStatus?
    /// The `NetworkUnavailable` condition's status, nil when the node reports none.
    public var networkUnavailable: ConditionStatus?

    public init(
        metadata: ObjectMeta = ObjectMeta(), unschedulable: Bool = false, toBeDeletedByClusterAutoscaler: Bool = false,
        addresses: [NodeAddress] = [], ready: ConditionStatus? = nil, networkUnavailable: ConditionStatus? = nil
    ) {
        self.metadata = metadata
        self.unschedulable = unschedulable
        self.toBeDeletedByClusterAutoscaler = toBeDeletedByClusterAutoscaler
        self.addresses = addresses
        self.ready = ready
        self.networkUnavailable = networkUnavailable
    }

    /// Ready is True and the network is not reported unavailable, whatever order the conditions come in.
    public var isReady: Bool {
        ready == .true && (networkUnavailable == nil || networkUnavailable == .false)
    }

    /// The first address of `type` (`InternalIP`, `ExternalIP`, `Hostname`, ...).
    public func address(ofType type: String) -> String? {
        addresses.first { $0.type == type }?.address
    }

    /// The `topology.kubernetes.io/zone` label.
    public var zone: String? { metadata.labels[Self.zoneLabel] }

    /// The `topology.kubernetes.io/region` label.
    public var region: String? { metadata.labels[Self.regionLabel] }

    /// True when the node asks not to be a load balancer backend (the label's presence is what counts).
    public var isExcludedFromExternalLoadBalancers: Bool {
        metadata.labels[Self.excludeFromExternalLoadBalancersLabel] != nil
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        try json.requireObject()
        metadata = try json.withMember("metadata", Self.decodeMetadata) ?? ObjectMeta()
        var unschedulable = false
        var toBeDeleted = false
        _ = try json.withMember("spec") { (spec) throws(JSONDecodingError) in
            unschedulable = try spec.decode("unschedulable") ?? false
            _ = try spec.withMember("taints") { (taints) throws(JSONDecodingError) in
                try taints.forEachElement { (_, taint) throws(JSONDecodingError) in
                    if taint["key"]?.stringEquals("ToBeDeletedByClusterAutoscaler") == true { toBeDeleted = true }
                }
            }
        }
        self.unschedulable = unschedulable
        self.toBeDeletedByClusterAutoscaler = toBeDeleted
        var addresses: [NodeAddress] = []
        var ready: ConditionStatus?
        var networkUnavailable: ConditionStatus?
        _ = try json.withMember("status") { (status) throws(JSONDecodingError) in
            try status.requireObject()
            addresses = try status.decode("addresses") ?? []
            _ = try status.withMember("conditions") { (conditions) throws(JSONDecodingError) in
                try conditions.forEachElement { (_, condition) throws(JSONDecodingError) in
                    guard let type = condition["type"] else {
                        throw JSONDecodingError(path: ["type"], "required field is missing")
                    }
                    let isReady = type.stringEquals("Ready")
                    guard isReady || type.stringEquals("NetworkUnavailable") else { return }
                    guard let value = try condition.withMember("status", ConditionStatus.init(json:)) else {
                        throw JSONDecodingError(path: ["status"], "required field is missing")
                    }
                    if isReady { ready = value } else { networkUnavailable = value }
                }
            }
        }
        self.addresses = addresses
        self.ready = ready
        self.networkUnavailable = networkUnavailable
    }

    private static func decodeMetadata(_ json: JSONNode) throws(JSONDecodingError) -> ObjectMeta {
        try json.requireObject()
        var labels: [String: String] = [:]
        _ = try json.withMember("labels") { (node) throws(JSONDecodingError) in
            try node.requireObject()
            for key in keptLabelKeys {
                if let value = try node.decode(key, as: String.self) { labels[key] = value }
            }
        }
        return ObjectMeta(
            name: try json.decode("name") ?? "", uid: try json.decode("uid"),
            resourceVersion: try json.decode("resourceVersion"), labels: labels)
    }

    /// Node-shaped JSON holding only the summarized fields.
    public func toJSON() -> JSONValue {
        var spec = JSONObjectBuilder()
        if unschedulable { spec.set("unschedulable", true) }
        if toBeDeletedByClusterAutoscaler {
            spec.set("taints", [["key": .string(Self.toBeDeletedTaint), "effect": "NoSchedule"]] as JSONValue)
        }
        var conditions: [JSONValue] = []
        if let ready { conditions.append(["type": "Ready", "status": .string(ready.rawValue)]) }
        if let networkUnavailable {
            conditions.append(["type": "NetworkUnavailable", "status": .string(networkUnavailable.rawValue)])
        }
        var status = JSONObjectBuilder()
        status.set("addresses", addresses)
        status.set("conditions", JSONValue.array(conditions))
        var object = JSONObjectBuilder(objectOf: NodeSummary.self, metadata: metadata)
        object.set("spec", spec.value)
        object.set("status", status.value)
        return object.value
    }
}
