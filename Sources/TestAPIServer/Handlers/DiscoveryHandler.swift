/// Minimal discovery documents, `/version` and health endpoints.
enum DiscoveryHandler {
    static func respond(_ route: Route) -> ServerResponse {
        switch route {
        case .health: return Responses.text(200, "ok")
        case .version:
            return Responses.json(
                200,
                [
                    "major": "1", "minor": "31", "gitVersion": "v1.31.0", "gitCommit": "barrelman-test-apiserver",
                    "gitTreeState": "clean", "buildDate": "2024-08-13T00:00:00Z", "goVersion": "go1.22.5",
                    "compiler": "gc", "platform": "linux/amd64",
                ])
        case .coreVersions:
            return Responses.json(
                200,
                [
                    "kind": "APIVersions", "versions": ["v1"],
                    "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"]],
                ])
        case .groupList:
            var groups: [String: [String]] = [:]
            for resource in ResourceKind.all where !resource.group.isEmpty {
                if !(groups[resource.group] ?? []).contains(resource.version) {
                    groups[resource.group, default: []].append(resource.version)
                }
            }
            let items: [JSON] = groups.keys.sorted().map { name in
                let versions: [JSON] = (groups[name] ?? []).map {
                    ["groupVersion": .string("\(name)/\($0)"), "version": .string($0)]
                }
                return [
                    "name": .string(name), "versions": .array(versions), "preferredVersion": versions.first ?? .null,
                ]
            }
            return Responses.json(200, ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(items)])
        case .resourceList(let group, let version):
            let groupVersion = group.isEmpty ? version : "\(group)/\(version)"
            var resources: [JSON] = []
            for resource in ResourceKind.all where resource.group == group && resource.version == version {
                resources.append([
                    "name": .string(resource.plural), "singularName": .string(resource.kind.lowercased()),
                    "namespaced": .bool(resource.namespaced), "kind": .string(resource.kind),
                    "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
                ])
                if resource.hasStatusSubresource {
                    resources.append([
                        "name": .string("\(resource.plural)/status"), "singularName": "",
                        "namespaced": .bool(resource.namespaced), "kind": .string(resource.kind),
                        "verbs": ["get", "patch", "update"],
                    ])
                }
            }
            return Responses.json(
                200,
                ["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(groupVersion), "resources": .array(resources)])
        case .resource, .selfSubjectAccessReviews, .notFound:
            return Responses.error(.pathNotFound)
        }
    }
}
