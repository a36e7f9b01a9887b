/// A core/v1 Endpoints object: the addresses behind a service, grouped by the ports they serve.
public struct Endpoints: KubeResource, Sendable, Hashable {
    public static let resourceType = ResourceType.endpoints

    public var metadata: ObjectMeta
    public var subsets: [EndpointSubset]

    public init(metadata: ObjectMeta = ObjectMeta(), subsets: [EndpointSubset] = []) {
        self.metadata = metadata
        self.subsets = subsets
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        metadata = try json.decode("metadata") ?? ObjectMeta()
        subsets = try json.decode("subsets") ?? []
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder(objectOf: Endpoints.self, metadata: metadata)
        object.set("subsets", subsets)
        return object.value
    }
}

/// Addresses that all serve the same ports.
public struct EndpointSubset: Sendable, Hashable, JSONCodable {
    public var addresses: [EndpointAddress]
    /// Addresses whose pods are not ready yet (or are terminating).
    public var notReadyAddresses: [EndpointAddress]
    public var ports: [EndpointPort]

    public init(
        addresses: [EndpointAddress] = [], notReadyAddresses: [EndpointAddress] = [], ports: [EndpointPort] = []
    ) {
        self.addresses = addresses
        self.notReadyAddresses = notReadyAddresses
        self.ports = ports
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        addresses = try json.decode("addresses") ?? []
        notReadyAddresses = try json.decode("notReadyAddresses") ?? []
        ports = try json.decode("ports") ?? []
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("addresses", addresses)
        object.set("notReadyAddresses", notReadyAddresses)
        object.set("ports", ports)
        return object.value
    }
}

/// One backend address.
public struct EndpointAddress: Sendable, Hashable, JSONCodable {
    public var ip: String
    public var hostname: String?
    public var nodeName: String?
    /// Usually the pod behind the address.
    public var targetRef: ObjectReference?

    public init(ip: String, hostname: String? = nil, nodeName: String? = nil, targetRef: ObjectReference? = nil) {
        self.ip = ip
        self.hostname = hostname
        self.nodeName = nodeName
        self.targetRef = targetRef
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        ip = try json.require("ip")
        hostname = try json.decode("hostname")
        nodeName = try json.decode("nodeName")
        targetRef = try json.decode("targetRef")
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("ip", ip)
        object.set("hostname", hostname)
        object.set("nodeName", nodeName)
        object.set("targetRef", targetRef)
        return object.value
    }
}

/// One port the addresses of a subset serve.
public struct EndpointPort: Sendable, Hashable, JSONCodable {
    /// Matches the service port's name; required when there is more than one port.
    public var name: String?
    public var port: Int32
    /// `TCP`, `UDP` or `SCTP`; nil means TCP.
    public var `protocol`: String?
    public var appProtocol: String?

    public init(name: String? = nil, port: Int32, protocol: String? = nil, appProtocol: String? = nil) {
        self.name = name
        self.port = port
        self.protocol = `protocol`
        self.appProtocol = appProtocol
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        name = try json.decode("name")
        port = try json.require("port")
        `protocol` = try json.decode("protocol")
        appProtocol = try json.decode("appProtocol")
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("name", name)
        object.set("port", port)
        object.set("protocol", `protocol`)
        object.set("appProtocol", appProtocol)
        return object.value
    }
}
