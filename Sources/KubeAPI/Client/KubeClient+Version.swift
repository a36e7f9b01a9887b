extension KubeClient {
    /// `GET /version`: the cheapest request that proves the server answers and accepts our credentials
    /// (kube allows it to everyone, but a request with a refused credential still gets 401).
    public func serverVersion() async throws(KubeError) -> ServerVersion {
        let response = try await perform(APICall(verb: "get", method: "GET", resource: .version, path: "/version"))
        return try decode(ServerVersion.self, from: response, what: "/version")
    }
}

extension ResourceType {
    /// Not a resource: `/version`, named so that request metrics and logs say what was asked.
    static let version = ResourceType(group: "", version: "", plural: "version", kind: "Info", namespaced: false)
}
