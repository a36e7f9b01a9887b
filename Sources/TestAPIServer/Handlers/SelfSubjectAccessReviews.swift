/// `POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews`, as kube-apiserver's registry answers it: the
/// review is validated, the caller's own access rules decide (`Authorizer`), and the review comes back with
/// `status` filled in (201, nothing stored).
///
/// Every authenticated user may ask: kube's default `system:basic-user` ClusterRole grants `create` on
/// selfsubjectaccessreviews to `system:authenticated`, so the caller's rules are not consulted for the review itself.
enum SelfSubjectAccessReviews {
    static let pathSegments = ["authorization.k8s.io", "v1", "selfsubjectaccessreviews"]

    /// The type as errors name it (`SelfSubjectAccessReview.authorization.k8s.io "" is invalid: ...`); not stored,
    /// so not in `ResourceKind.all`.
    static let kind = ResourceKind(
        group: "authorization.k8s.io", version: "v1", plural: "selfsubjectaccessreviews",
        kind: "SelfSubjectAccessReview", namespaced: false, hasStatusSubresource: false, tracksGeneration: false,
        returnsDeletedObject: false, namesAreLabels: false)

    static func respond(_ request: ServerRequest, user: AuthenticatedUser) -> ServerResponse {
        guard request.method.uppercased() == "POST" else { return Responses.error(.methodNotAllowed) }
        do {
            var review = try RequestOptions.body(request)
            try validate(review)
            review["status"] = decide(review, for: user)
            review["apiVersion"] = .string(kind.apiVersion)
            review["kind"] = .string(kind.kind)
            review["metadata"] = ["creationTimestamp": .null]
            return Responses.json(201, review)
        } catch {
            return Responses.error(error)
        }
    }

    /// kube's `ValidateSelfSubjectAccessReview`: exactly one kind of attributes, and no metadata.
    static func validate(_ review: JSON) throws(APIError) {
        if let kindInBody = review["kind"]?.stringValue, kindInBody != kind.kind {
            throw .badRequest("the kind in the data (\(kindInBody)) does not match the expected kind (\(kind.kind))")
        }
        let spec = review["spec"]
        let resource = spec?["resourceAttributes"].flatMap { $0.isNull ? nil : $0 }
        let nonResource = spec?["nonResourceAttributes"].flatMap { $0.isNull ? nil : $0 }
        var errors: [FieldError] = []
        if let nonResource, resource != nil {
            errors.append(
                .invalid("spec.nonResourceAttributes", nonResource, "cannot be specified in combination with resourceAttributes"))
        }
        if resource == nil && nonResource == nil {
            errors.append(
                .invalid("spec.resourceAttributes", .string("null"), "exactly one of nonResourceAttributes or resourceAttributes must be specified"))
        }
        // Go decodes `creationTimestamp: null` to the zero time, which counts as empty.
        let metadata = review["metadata"]?.objectValue ?? [:]
        if metadata.contains(where: { $0.key != "managedFields" && !$0.value.isNull }) {
            errors.append(.invalid("metadata", review["metadata"] ?? .null, "must be empty"))
        }
        if !errors.isEmpty { throw .invalid(kind, name: "", errors) }
    }

    /// The `status` the caller's rules give: RBAC only allows, so a request it does not grant is neither
    /// allowed nor denied, and has no reason.
    static func decide(_ review: JSON, for user: AuthenticatedUser) -> JSON {
        let allowed: Bool
        if let attributes = review[path: ["spec", "resourceAttributes"]], !attributes.isNull {
            let verb = attributes["verb"]?.stringValue ?? ""
            let plural = attributes["resource"]?.stringValue ?? ""
            let subresource = attributes["subresource"]?.stringValue ?? ""
            let namespace = attributes["namespace"]?.stringValue ?? ""
            allowed = user.rules.allows(
                verb: verb, resource: subresource.isEmpty ? plural : "\(plural)/\(subresource)",
                group: attributes["group"]?.stringValue ?? "", namespace: namespace.isEmpty ? nil : namespace)
        } else {
            // Non-resource paths (/version, /healthz) are public to every user, as system:public-info-viewer has it;
            // anything else only to users allowed everything.
            let path = review[path: ["spec", "nonResourceAttributes", "path"]]?.stringValue ?? ""
            let verb = review[path: ["spec", "nonResourceAttributes", "verb"]]?.stringValue ?? ""
            allowed = (verb == "get" && publicPaths.contains(path)) || user.rules == .all
        }
        guard allowed else { return ["allowed": false] }
        return [
            "allowed": true,
            "reason": .string("RBAC: allowed by the test API server's access rules of User \"\(user.name)\""),
        ]
    }

    static let publicPaths: Set<String> = ["/healthz", "/livez", "/readyz", "/version", "/version/"]
}

extension ServerRequest {
    /// Whether the request carries a credential (a bearer token, basic auth or a client certificate): kube then
    /// authenticates it and answers 401 when it is refused, instead of treating the request as anonymous.
    var presentsCredentials: Bool {
        header("Authorization") != nil || clientCertificate != nil
    }
}
