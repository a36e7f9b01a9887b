/// An authorization.k8s.io/v1 SelfSubjectAccessReview: asks the server whether the caller may do one thing.
/// Created, never stored: the answer comes back in `status`. Every authenticated user may create one
/// (the `system:basic-user` ClusterRole, bound to `system:authenticated` by default).
public struct SelfSubjectAccessReview: KubeResource, Sendable, Hashable {
    public static let resourceType = ResourceType.selfSubjectAccessReviews

    /// Always empty: the server rejects a review with metadata.
    public var metadata: ObjectMeta
    public var spec: SelfSubjectAccessReviewSpec
    public var status: SubjectAccessReviewStatus?

    public init(
        metadata: ObjectMeta = ObjectMeta(), spec: SelfSubjectAccessReviewSpec = SelfSubjectAccessReviewSpec(),
        status: SubjectAccessReviewStatus? = nil
    ) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    /// A review of `verb` on `resource` (of `group`, "" for core) in `namespace` (nil: every namespace, or a
    /// cluster-scoped resource).
    public init(verb: String, resource: String, group: String = "", namespace: String? = nil) {
        self.init(
            spec: SelfSubjectAccessReviewSpec(
                resourceAttributes: ResourceAttributes(namespace: namespace, verb: verb, group: group, resource: resource)))
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        metadata = try json.decode("metadata") ?? ObjectMeta()
        spec = try json.decode("spec") ?? SelfSubjectAccessReviewSpec()
        status = try json.decode("status")
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder(objectOf: SelfSubjectAccessReview.self, metadata: metadata)
        object.setAlways("spec", spec.toJSON())
        object.set("status", status)
        return object.value
    }
}

/// What is asked: exactly one of resource or non-resource attributes.
public struct SelfSubjectAccessReviewSpec: Sendable, Hashable, JSONCodable {
    public var resourceAttributes: ResourceAttributes?
    public var nonResourceAttributes: NonResourceAttributes?

    public init(resourceAttributes: ResourceAttributes? = nil, nonResourceAttributes: NonResourceAttributes? = nil) {
        self.resourceAttributes = resourceAttributes
        self.nonResourceAttributes = nonResourceAttributes
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        resourceAttributes = try json.decode("resourceAttributes")
        nonResourceAttributes = try json.decode("nonResourceAttributes")
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.setUnlessNil("resourceAttributes", resourceAttributes)
        object.setUnlessNil("nonResourceAttributes", nonResourceAttributes)
        return object.value
    }
}

/// A request on a resource, as the authorizer sees it; "" or nil fields mean "all".
public struct ResourceAttributes: Sendable, Hashable, JSONCodable {
    public var namespace: String?
    public var verb: String
    public var group: String
    public var resource: String
    public var subresource: String?
    public var name: String?

    public init(
        namespace: String? = nil, verb: String, group: String = "", resource: String, subresource: String? = nil,
        name: String? = nil
    ) {
        self.namespace = namespace
        self.verb = verb
        self.group = group
        self.resource = resource
        self.subresource = subresource
        self.name = name
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        namespace = try json.decode("namespace")
        verb = try json.decode("verb") ?? ""
        group = try json.decode("group") ?? ""
        resource = try json.decode("resource") ?? ""
        subresource = try json.decode("subresource")
        name = try json.decode("name")
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("namespace", namespace)
        object.set("verb", verb)
        object.set("group", group)
        object.set("resource", resource)
        object.set("subresource", subresource)
        object.set("name", name)
        return object.value
    }
}

/// A request on a path outside the resource API (`/version`, `/healthz`).
public struct NonResourceAttributes: Sendable, Hashable, JSONCodable {
    public var path: String
    public var verb: String

    public init(path: String, verb: String) {
        self.path = path
        self.verb = verb
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        path = try json.decode("path") ?? ""
        verb = try json.decode("verb") ?? ""
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("path", path)
        object.set("verb", verb)
        return object.value
    }
}

/// The server's answer. `allowed` false and `denied` false means no authorizer had an opinion, which RBAC
/// (it only allows) answers for everything it does not grant.
public struct SubjectAccessReviewStatus: Sendable, Hashable, JSONCodable {
    public var allowed: Bool
    public var denied: Bool
    /// Why, when the authorizer says (RBAC names the binding that allowed it).
    public var reason: String?
    /// An authorizer failed while deciding; the decision may be incomplete.
    public var evaluationError: String?

    public init(allowed: Bool, denied: Bool = false, reason: String? = nil, evaluationError: String? = nil) {
        self.allowed = allowed
        self.denied = denied
        self.reason = reason
        self.evaluationError = evaluationError
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        allowed = try json.decode("allowed") ?? false
        denied = try json.decode("denied") ?? false
        reason = try json.decode("reason")
        evaluationError = try json.decode("evaluationError")
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.setAlways("allowed", .bool(allowed))
        if denied { object.setAlways("denied", .bool(true)) }
        object.set("reason", reason)
        object.set("evaluationError", evaluationError)
        return object.value
    }
}

extension ResourceType {
    /// authorization.k8s.io/v1 selfsubjectaccessreviews, cluster-scoped, create only.
    public static let selfSubjectAccessReviews = ResourceType(
        group: "authorization.k8s.io", version: "v1", plural: "selfsubjectaccessreviews",
        kind: "SelfSubjectAccessReview", namespaced: false)
}
