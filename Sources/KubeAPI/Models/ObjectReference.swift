/// Points at another object, like the pod behind an endpoint address or the object an event is about.
public struct ObjectReference: Sendable, Hashable, JSONCodable {
    public var apiVersion: String?
    public var kind: String?
    public var namespace: String?
    public var name: String?
    public var uid: String?
    public var resourceVersion: String?
    /// Which part of the object is meant, like `spec.containers{app}`.
    public var fieldPath: String?

    public init(
        apiVersion: String? = nil, kind: String? = nil, namespace: String? = nil, name: String? = nil,
        uid: String? = nil, resourceVersion: String? = nil, fieldPath: String? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.fieldPath = fieldPath
    }

    /// A reference to `object`, carrying its kind, name, namespace, uid and resourceVersion.
    public init<Resource: KubeResource>(to object: Resource) {
        self.init(
            apiVersion: Resource.resourceType.apiVersion, kind: Resource.resourceType.kind,
            namespace: object.metadata.namespace, name: object.metadata.name, uid: object.metadata.uid,
            resourceVersion: object.metadata.resourceVersion)
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        apiVersion = try json.decode("apiVersion")
        kind = try json.decode("kind")
        namespace = try json.decode("namespace")
        name = try json.decode("name")
        uid = try json.decode("uid")
        resourceVersion = try json.decode("resourceVersion")
        fieldPath = try json.decode("fieldPath")
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("apiVersion", apiVersion)
        object.set("kind", kind)
        object.set("namespace", namespace)
        object.set("name", name)
        object.set("uid", uid)
        object.set("resourceVersion", resourceVersion)
        object.set("fieldPath", fieldPath)
        return object.value
    }
}
