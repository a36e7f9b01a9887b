/// RBAC-like authorization with kube's forbidden messages.
enum Authorizer {
    /// nil when allowed, else the 403 kube would send.
    static func check(_ user: AuthenticatedUser, verb: String, target: ResourceTarget) -> APIError? {
        // kube authorizes requests on a namespace object within that namespace.
        let namespace = target.resource == .namespaces ? target.name : target.namespace
        let resource = target.authorizationResource
        let group = target.resource.group
        if user.rules.allows(verb: verb, resource: resource, group: group, namespace: namespace) { return nil }
        let scope = namespace.map { "in the namespace \"\($0)\"" } ?? "at the cluster scope"
        return .forbidden(
            target.resource, name: target.name ?? "",
            "User \"\(user.name)\" cannot \(verb) resource \"\(resource)\" in API group \"\(group)\" \(scope)")
    }
}
