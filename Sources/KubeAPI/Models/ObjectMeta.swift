/// metadata of every object: only the fields barrelman reads or writes.
public struct ObjectMeta: Sendable, Hashable, JSONCodable {
    public var name: String
    public var generateName: String?
    public var namespace: String?
    public var uid: String?
    public var resourceVersion: String?
    public var generation: Int64?
    /// RFC 3339, as the server sent it.
    public var creationTimestamp: String?
    /// Set once a delete was requested and finalizers or dependents still hold the object.
    public var deletionTimestamp: String?
    public var labels: [String: String]
    public var annotations: [String: String]
    public var ownerReferences: [OwnerReference]
    public var finalizers: [String]

    public init(
        name: String = "", generateName: String? = nil, namespace: String? = nil, uid: String? = nil,
        resourceVersion: String? = nil, generation: Int64? = nil, creationTimestamp: String? = nil,
        deletionTimestamp: String? = nil, labels: [String: String] = [:], annotations: [String: String] = [:],
        ownerReferences: [OwnerReference] = [], finalizers: [String] = []
    ) {
        self.name = name
        self.generateName = generateName
        self.namespace = namespace
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.generation = generation
        self.creationTimestamp = creationTimestamp
        self.deletionTimestamp = deletionTimestamp
        self.labels = labels
        self.annotations = annotations
        self.ownerReferences = ownerReferences
        self.finalizers = finalizers
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        name = try json.decode("name") ?? ""
        generateName = try json.decode("generateName")
        namespace = try json.decode("namespace")
        uid = try json.decode("uid")
        resourceVersion = try json.decode("resourceVersion")
        generation = try json.decode("generation")
        creationTimestamp = try json.decode("creationTimestamp")
        deletionTimestamp = try json.decode("deletionTimestamp")
        labels = try json.decode("labels") ?? [:]
        annotations = try json.decode("annotations") ?? [:]
        ownerReferences = try json.decode("ownerReferences") ?? []
        finalizers = try json.decode("finalizers") ?? []
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("name", name)
        object.set("generateName", generateName)
        object.set("namespace", namespace)
        object.set("uid", uid)
        object.set("resourceVersion", resourceVersion)
        object.set("generation", generation)
        object.set("creationTimestamp", creationTimestamp)
        object.set("deletionTimestamp", deletionTimestamp)
        object.set("labels", labels)
        object.set("annotations", annotations)
        object.set("ownerReferences", ownerReferences)
        object.set("finalizers", finalizers)
        return object.value
    }
}

/// A link to the object that owns this one; the garbage collector deletes dependents of deleted owners.
public struct OwnerReference: Sendable, Hashable, JSONCodable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var uid: String
    public var controller: Bool?
    public var blockOwnerDeletion: Bool?

    public init(
        apiVersion: String, kind: String, name: String, uid: String, controller: Bool? = nil,
        blockOwnerDeletion: Bool? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
        self.blockOwnerDeletion = blockOwnerDeletion
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        apiVersion = try json.require("apiVersion")
        kind = try json.require("kind")
        name = try json.require("name")
        uid = try json.require("uid")
        controller = try json.decode("controller")
        blockOwnerDeletion = try json.decode("blockOwnerDeletion")
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("apiVersion", apiVersion)
        object.set("kind", kind)
        object.set("name", name)
        object.set("uid", uid)
        object.set("controller", controller)
        object.set("blockOwnerDeletion", blockOwnerDeletion)
        return object.value
    }
}
