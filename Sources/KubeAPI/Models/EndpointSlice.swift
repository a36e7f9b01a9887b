/// A discovery.k8s.io/v1 EndpointSlice: a slice of the endpoints behind a service.
public struct EndpointSlice: KubeResource, Sendable, Hashable {
    public static let resourceType = ResourceType.endpointSlices

    /// The label naming the service a slice belongs to.
    public static let serviceNameLabel = "kubernetes.io/service-name"

    public var metadata: ObjectMeta
    public var addressType: AddressType
    public var endpoints: [Endpoint]
    public var ports: [EndpointSlicePort]

    public init(
        metadata: ObjectMeta = ObjectMeta(), addressType: AddressType = .ipv4, endpoints: [Endpoint] = [],
        ports: [EndpointSlicePort] = []
    ) {
        self.metadata = metadata
        self.addressType = addressType
        self.endpoints = endpoints
        self.ports = ports
    }

    /// What kind of addresses the slice holds. An open set: unknown values survive a round trip.
    public struct AddressType: RawRepresentable, Sendable, Hashable, JSONCodable, ExpressibleByStringLiteral,
        CustomStringConvertible
    {
        public var rawValue: String

        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }

        public static let ipv4: AddressType = "IPv4"
        public static let ipv6: AddressType = "IPv6"
        public static let fqdn: AddressType = "FQDN"

        public init(json: JSONNode) throws(JSONDecodingError) { rawValue = try json.string() }
        public func toJSON() -> JSONValue { .string(rawValue) }
        public var description: String { rawValue }
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        metadata = try json.decode("metadata") ?? ObjectMeta()
        addressType = try json.require("addressType")
        endpoints = try json.decode("endpoints") ?? []
        ports = try json.decode("ports") ?? []
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder(objectOf: EndpointSlice.self, metadata: metadata)
        object.set("addressType", addressType)
        // The server requires `endpoints`, even when empty.
        object.setAlways("endpoints", endpoints.toJSON())
        object.set("ports", ports)
        return object.value
    }
}

/// One backend of an endpoint slice.
///
/// The fields live in one immutable, shared box (copy-on-write), so an endpoint is a pointer wide: equal
/// endpoints of thousands of cached slices (the same remote node in every service's slice) can share one
/// copy (`EndpointInterner`) instead of each slice holding ~300 bytes per endpoint.
public struct Endpoint: Sendable, Hashable, JSONCodable {
    private var box: Box

    /// One to a hundred addresses of the slice's address type; consumers use the first.
    public var addresses: [String] { get { self[\.addresses] } set { self[\.addresses] = newValue } }
    public var conditions: EndpointConditions { get { self[\.conditions] } set { self[\.conditions] = newValue } }
    public var hostname: String? { get { self[\.hostname] } set { self[\.hostname] = newValue } }
    public var nodeName: String? { get { self[\.nodeName] } set { self[\.nodeName] = newValue } }
    public var zone: String? { get { self[\.zone] } set { self[\.zone] = newValue } }
    /// Usually the pod behind the endpoint.
    public var targetRef: ObjectReference? { get { self[\.targetRef] } set { self[\.targetRef] = newValue } }

    public init(
        addresses: [String] = [], conditions: EndpointConditions = EndpointConditions(), hostname: String? = nil,
        nodeName: String? = nil, zone: String? = nil, targetRef: ObjectReference? = nil
    ) {
        box = Box(
            Fields(
                addresses: addresses, conditions: conditions, hostname: hostname, nodeName: nodeName, zone: zone,
                targetRef: targetRef))
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        self.init(
            addresses: try json.decode("addresses") ?? [], conditions: try json.decode("conditions") ?? EndpointConditions(),
            hostname: try json.decode("hostname"), nodeName: try json.decode("nodeName"), zone: try json.decode("zone"),
            targetRef: try json.decode("targetRef"))
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        // The server requires `addresses`.
        object.setAlways("addresses", addresses.toJSON())
        object.set("conditions", conditions)
        object.setUnlessNil("hostname", hostname)
        object.setUnlessNil("nodeName", nodeName)
        object.setUnlessNil("zone", zone)
        object.set("targetRef", targetRef)
        return object.value
    }

    /// True when both share one box: equal without comparing fields (interned endpoints).
    public func sharesStorage(with other: Endpoint) -> Bool { box === other.box }

    /// True when no other value holds this endpoint's box: an interning table uses it to let go of endpoints
    /// no cached object holds any more.
    public mutating func isOnlyReference() -> Bool { isKnownUniquelyReferenced(&box) }

    public static func == (lhs: Endpoint, rhs: Endpoint) -> Bool {
        lhs.box === rhs.box || lhs.box.fields == rhs.box.fields
    }

    public func hash(into hasher: inout Hasher) { box.fields.hash(into: &hasher) }

    /// Reads from the shared box; a change makes a box of this endpoint's own (copy-on-write).
    private subscript<Field>(field: WritableKeyPath<Fields, Field>) -> Field {
        get { box.fields[keyPath: field] }
        set {
            var fields = box.fields
            fields[keyPath: field] = newValue
            box = Box(fields)
        }
    }

    private struct Fields: Sendable, Hashable {
        var addresses: [String]
        var conditions: EndpointConditions
        var hostname: String?
        var nodeName: String?
        var zone: String?
        var targetRef: ObjectReference?
    }

    private final class Box: Sendable {
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }
}

/// An endpoint's state. Nil means unknown, which consumers read as ready/serving and not terminating.
public struct EndpointConditions: Sendable, Hashable, JSONCodable {
    public var ready: Bool?
    public var serving: Bool?
    public var terminating: Bool?

    public init(ready: Bool? = nil, serving: Bool? = nil, terminating: Bool? = nil) {
        self.ready = ready
        self.serving = serving
        self.terminating = terminating
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        ready = try json.decode("ready")
        serving = try json.decode("serving")
        terminating = try json.decode("terminating")
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("ready", ready)
        object.set("serving", serving)
        object.set("terminating", terminating)
        return object.value
    }
}

/// One port the endpoints of a slice serve.
public struct EndpointSlicePort: Sendable, Hashable, JSONCodable {
    /// Matches the service port's name; empty for an unnamed port.
    public var name: String?
    /// Nil means "all ports".
    public var port: Int32?
    /// `TCP`, `UDP` or `SCTP`; nil means TCP.
    public var `protocol`: String?
    public var appProtocol: String?

    public init(name: String? = nil, port: Int32? = nil, protocol: String? = nil, appProtocol: String? = nil) {
        self.name = name
        self.port = port
        self.protocol = `protocol`
        self.appProtocol = appProtocol
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        name = try json.decode("name")
        port = try json.decode("port")
        `protocol` = try json.decode("protocol")
        appProtocol = try json.decode("appProtocol")
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.setUnlessNil("name", name)
        object.set("port", port)
        object.setUnlessNil("protocol", `protocol`)
        object.setUnlessNil("appProtocol", appProtocol)
        return object.value
    }
}
