/// A core/v1 Namespace.
public struct Namespace: KubeResource, Sendable, Hashable {
    public static let resourceType = ResourceType.namespaces

    public var metadata: ObjectMeta
    public var spec: NamespaceSpec
    public var status: NamespaceStatus

    public init(
        metadata: ObjectMeta = ObjectMeta(), spec: NamespaceSpec = NamespaceSpec(),
        status: NamespaceStatus = NamespaceStatus()
    ) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    /// True while the namespace is being deleted; creating objects in it then fails.
    public var isTerminating: Bool { status.phase == NamespaceStatus.terminating }

    public init(json: JSONNode) throws(JSONDecodingError) {
        metadata = try json.decode("metadata") ?? ObjectMeta()
        spec = try json.decode("spec") ?? NamespaceSpec()
        status = try json.decode("status") ?? NamespaceStatus()
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder(objectOf: Namespace.self, metadata: metadata)
        object.set("spec", spec)
        object.set("status", status)
        return object.value
    }
}

/// What must finish before a namespace is removed.
public struct NamespaceSpec: Sendable, Hashable, JSONCodable {
    /// Usually `["kubernetes"]`.
    public var finalizers: [String]

    public init(finalizers: [String] = []) {
        self.finalizers = finalizers
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        finalizers = try json.decode("finalizers") ?? []
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("finalizers", finalizers)
        return object.value
    }
}

/// A namespace's lifecycle phase.
public struct NamespaceStatus: Sendable, Hashable, JSONCodable {
    public static let active = "Active"
    public static let terminating = "Terminating"

    /// `Active` or `Terminating`.
    public var phase: String?

    public init(phase: String? = nil) {
        self.phase = phase
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        phase = try json.decode("phase")
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("phase", phase)
        return object.value
    }
}
