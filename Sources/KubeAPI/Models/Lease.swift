/// A coordination.k8s.io/v1 Lease: who holds a lock (leader election) and until when.
public struct Lease: KubeResource, Sendable, Hashable {
    public static let resourceType = ResourceType.leases

    public var metadata: ObjectMeta
    public var spec: LeaseSpec

    public init(metadata: ObjectMeta = ObjectMeta(), spec: LeaseSpec = LeaseSpec()) {
        self.metadata = metadata
        self.spec = spec
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        metadata = try json.decode("metadata") ?? ObjectMeta()
        spec = try json.decode("spec") ?? LeaseSpec()
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder(objectOf: Lease.self, metadata: metadata)
        object.set("spec", spec)
        return object.value
    }
}

/// The state of a lease. Times are RFC 3339 with microseconds (`2024-01-01T00:00:00.000000Z`), as sent.
public struct LeaseSpec: Sendable, Hashable, JSONCodable {
    public var holderIdentity: String?
    public var leaseDurationSeconds: Int32?
    public var acquireTime: String?
    public var renewTime: String?
    /// How often the lease changed hands.
    public var leaseTransitions: Int32?

    public init(
        holderIdentity: String? = nil, leaseDurationSeconds: Int32? = nil, acquireTime: String? = nil,
        renewTime: String? = nil, leaseTransitions: Int32? = nil
    ) {
        self.holderIdentity = holderIdentity
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.leaseTransitions = leaseTransitions
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        holderIdentity = try json.decode("holderIdentity")
        leaseDurationSeconds = try json.decode("leaseDurationSeconds")
        acquireTime = try json.decode("acquireTime")
        renewTime = try json.decode("renewTime")
        leaseTransitions = try json.decode("leaseTransitions")
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.setUnlessNil("holderIdentity", holderIdentity)
        object.set("leaseDurationSeconds", leaseDurationSeconds)
        object.set("acquireTime", acquireTime)
        object.set("renewTime", renewTime)
        object.set("leaseTransitions", leaseTransitions)
        return object.value
    }
}
