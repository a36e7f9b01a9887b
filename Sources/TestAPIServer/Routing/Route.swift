/// What a request path addresses.
enum Route: Sendable, Equatable {
    case health(String)
    case version
    /// `/api`
    case coreVersions
    /// `/apis`
    case groupList
    /// `/api/v1` or `/apis/{group}/{version}`
    case resourceList(group: String, version: String)
    case resource(ResourceTarget)
    /// `/apis/authorization.k8s.io/v1/selfsubjectaccessreviews`: a question to the authorizer, never stored.
    case selfSubjectAccessReviews
    case notFound

    static func parse(_ path: String) -> Route {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        switch segments.first {
        case "healthz", "readyz", "livez": return .health(segments[0])
        case "version" where segments.count == 1: return .version
        case "api":
            if segments.count == 1 { return .coreVersions }
            guard segments[1] == "v1" else { return .notFound }
            return parseResource(group: "", version: "v1", Array(segments.dropFirst(2)))
        case "apis":
            if segments.count == 1 { return .groupList }
            guard segments.count >= 3 else { return .notFound }
            if segments.dropFirst().elementsEqual(SelfSubjectAccessReviews.pathSegments) { return .selfSubjectAccessReviews }
            return parseResource(group: segments[1], version: segments[2], Array(segments.dropFirst(3)))
        default:
            return .notFound
        }
    }

    private static func parseResource(group: String, version: String, _ rest: [String]) -> Route {
        guard ResourceKind.all.contains(where: { $0.group == group && $0.version == version }) else { return .notFound }
        if rest.isEmpty { return .resourceList(group: group, version: version) }
        // /namespaces/{ns}/{plural}/... addresses namespaced resources; /namespaces/{name}[/status] the namespace.
        if rest[0] == "namespaces", rest.count >= 3,
            let resource = ResourceKind.lookup(group: group, version: version, plural: rest[2]), resource.namespaced
        {
            return target(resource, namespace: rest[1], Array(rest.dropFirst(3)))
        }
        guard let resource = ResourceKind.lookup(group: group, version: version, plural: rest[0]) else {
            return .notFound
        }
        let tail = Array(rest.dropFirst())
        // A namespaced resource without a namespace is only a list/watch across all namespaces.
        if resource.namespaced && !tail.isEmpty { return .notFound }
        return target(resource, namespace: nil, tail)
    }

    private static func target(_ resource: ResourceKind, namespace: String?, _ tail: [String]) -> Route {
        switch tail.count {
        case 0: return .resource(ResourceTarget(resource: resource, namespace: namespace, name: nil, subresource: nil))
        case 1: return .resource(ResourceTarget(resource: resource, namespace: namespace, name: tail[0], subresource: nil))
        case 2:
            let subresource = tail[1]
            let served =
                (subresource == "status" && resource.hasStatusSubresource)
                || (subresource == "finalize" && resource == .namespaces)
            guard served else { return .notFound }
            return .resource(ResourceTarget(resource: resource, namespace: namespace, name: tail[0], subresource: subresource))
        default: return .notFound
        }
    }
}

/// A resource collection, object or subresource addressed by a path.
struct ResourceTarget: Sendable, Equatable {
    var resource: ResourceKind
    var namespace: String?
    var name: String?
    var subresource: String?

    /// The resource name RBAC checks, e.g. `nodes/status`.
    var authorizationResource: String {
        subresource.map { "\(resource.plural)/\($0)" } ?? resource.plural
    }
}
