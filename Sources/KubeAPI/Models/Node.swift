/// A core/v1 Node: a machine of the cluster.
public struct Node: KubeResource, Sendable, Hashable {
    public static let resourceType = ResourceType.nodes

    public var metadata: ObjectMeta
    public var spec: NodeSpec
    public var status: NodeStatus

    public init(metadata: ObjectMeta = ObjectMeta(), spec: NodeSpec = NodeSpec(), status: NodeStatus = NodeStatus()) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        metadata = try json.decode("metadata") ?? ObjectMeta()
        spec = try json.decode("spec") ?? NodeSpec()
        status = try json.decode("status") ?? NodeStatus()
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder(objectOf: Node.self, metadata: metadata)
        object.set("spec", spec)
        object.set("status", status)
        return object.value
    }
}

/// How a node may be used.
public struct NodeSpec: Sendable, Hashable, JSONCodable {
    /// True when the node is cordoned.
    public var unschedulable: Bool
    public var podCIDR: String?
    public var podCIDRs: [String]
    /// The cloud's identifier, like `aws:///eu-west-1a/i-0abc`.
    public var providerID: String?
    public var taints: [Taint]

    public init(
        unschedulable: Bool = false, podCIDR: String? = nil, podCIDRs: [String] = [], providerID: String? = nil,
        taints: [Taint] = []
    ) {
        self.unschedulable = unschedulable
        self.podCIDR = podCIDR
        self.podCIDRs = podCIDRs
        self.providerID = providerID
        self.taints = taints
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        unschedulable = try json.decode("unschedulable") ?? false
        podCIDR = try json.decode("podCIDR")
        podCIDRs = try json.decode("podCIDRs") ?? []
        providerID = try json.decode("providerID")
        taints = try json.decode("taints") ?? []
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        // Go's omitempty leaves out false.
        if unschedulable { object.set("unschedulable", true) }
        object.set("podCIDR", podCIDR)
        object.set("podCIDRs", podCIDRs)
        object.set("providerID", providerID)
        object.set("taints", taints)
        return object.value
    }
}

/// Keeps pods off a node unless they tolerate it.
public struct Taint: Sendable, Hashable, JSONCodable {
    public var key: String
    public var value: String?
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
    public var effect: String
    /// RFC 3339; set only for NoExecute taints.
    public var timeAdded: String?

    public init(key: String, value: String? = nil, effect: String, timeAdded: String? = nil) {
        self.key = key
        self.value = value
        self.effect = effect
        self.timeAdded = timeAdded
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        key = try json.require("key")
        value = try json.decode("value")
        effect = try json.require("effect")
        timeAdded = try json.decode("timeAdded")
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("key", key)
        object.set("value", value)
        object.set("effect", effect)
        object.set("timeAdded", timeAdded)
        return object.value
    }
}

/// What the kubelet reports about a node.
public struct NodeStatus: Sendable, Hashable, JSONCodable {
    public var addresses: [NodeAddress]
    public var conditions: [NodeCondition]
    public var nodeInfo: NodeSystemInfo?

    public init(addresses: [NodeAddress] = [], conditions: [NodeCondition] = [], nodeInfo: NodeSystemInfo? = nil) {
        self.addresses = addresses
        self.conditions = conditions
        self.nodeInfo = nodeInfo
    }

    /// The condition of type `type` (`Ready`, `NetworkUnavailable`), wherever it is in the list.
    public func condition(ofType type: String) -> NodeCondition? {
        conditions.first { $0.type == type }
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        addresses = try json.decode("addresses") ?? []
        conditions = try json.decode("conditions") ?? []
        nodeInfo = try json.decode("nodeInfo")
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("addresses", addresses)
        object.set("conditions", conditions)
        object.set("nodeInfo", nodeInfo)
        return object.value
    }
}

/// One address of a node.
public struct NodeAddress: Sendable, Hashable, JSONCodable {
    /// `InternalIP`, `ExternalIP`, `Hostname`, `InternalDNS` or `ExternalDNS`.
    public var type: String
    public var address: String

    public init(type: String, address: String) {
        self.type = type
        self.address = address
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        type = try json.require("type")
        address = try json.require("address")
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("type", type)
        object.set("address", address)
        return object.value
    }
}

/// One aspect of a node's health, like `Ready` or `NetworkUnavailable`.
public struct NodeCondition: Sendable, Hashable, JSONCodable {
    public var type: String
    /// `True`, `False` or `Unknown`.
    public var status: String
    public var reason: String?
    public var message: String?
    /// RFC 3339.
    public var lastTransitionTime: String?
    /// RFC 3339.
    public var lastHeartbeatTime: String?

    public init(
        type: String, status: String, reason: String? = nil, message: String? = nil,
        lastTransitionTime: String? = nil, lastHeartbeatTime: String? = nil
    ) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.lastTransitionTime = lastTransitionTime
        self.lastHeartbeatTime = lastHeartbeatTime
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        type = try json.require("type")
        status = try json.require("status")
        reason = try json.decode("reason")
        message = try json.decode("message")
        lastTransitionTime = try json.decode("lastTransitionTime")
        lastHeartbeatTime = try json.decode("lastHeartbeatTime")
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("type", type)
        object.set("status", status)
        object.set("reason", reason)
        object.set("message", message)
        object.set("lastTransitionTime", lastTransitionTime)
        object.set("lastHeartbeatTime", lastHeartbeatTime)
        return object.value
    }
}

/// Software versions the kubelet reports.
public struct NodeSystemInfo: Sendable, Hashable, JSONCodable {
    public var kubeletVersion: String?
    public var osImage: String?
    public var architecture: String?

    public init(kubeletVersion: String? = nil, osImage: String? = nil, architecture: String? = nil) {
        self.kubeletVersion = kubeletVersion
        self.osImage = osImage
        self.architecture = architecture
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        kubeletVersion = try json.decode("kubeletVersion")
        osImage = try json.decode("osImage")
        architecture = try json.decode("architecture")
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("kubeletVersion", kubeletVersion)
        object.set("osImage", osImage)
        object.set("architecture", architecture)
        return object.value
    }
}
