extension JSONObjectBuilder {
    /// Starts a top-level object: `apiVersion` and `kind` are always written, because kube-apiserver
    /// rejects a body without them.
    public init<Resource: KubeResource>(objectOf type: Resource.Type, metadata: ObjectMeta) {
        self.init(apiVersion: type.resourceType.apiVersion, kind: type.resourceType.kind, metadata: metadata)
    }

    /// Starts a top-level object of a kind that is not a `KubeResource` (`Status`, lists).
    public init(apiVersion: String, kind: String, metadata: (some JSONEncodable)?) {
        self.init()
        setAlways("apiVersion", .string(apiVersion))
        setAlways("kind", .string(kind))
        set("metadata", metadata)
    }
}

extension JSONObjectBuilder {
    /// Sets `key` unless `value` is nil, even when empty: for Go pointer fields, where `""` differs from
    /// unset (an EndpointSlice port named `""`, a released Lease's `holderIdentity`).
    public mutating func setUnlessNil(_ key: String, _ value: (some JSONEncodable)?) {
        guard let value else { return }
        setAlways(key, value.toJSON())
    }
}
