/// Checks every write body goes through before resource-specific handling.
enum ObjectPreparation {
    /// The body must be an object whose `apiVersion`/`kind`, when present, name this resource; absent ones are
    /// filled in, as kube's decoder defaults them from the URL.
    static func checkTypeMeta(_ body: JSON, for resource: ResourceKind) throws(APIError) -> JSON {
        guard case .object = body else {
            throw .badRequest("the body of the request was not a JSON object")
        }
        var object = body
        let apiVersion = body["apiVersion"]?.stringValue ?? ""
        let kind = body["kind"]?.stringValue ?? ""
        if !apiVersion.isEmpty && apiVersion != resource.apiVersion {
            throw .badRequest(
                "the API version in the data (\(apiVersion)) does not match the expected API version (\(resource.apiVersion))")
        }
        if !kind.isEmpty && kind != resource.kind {
            throw .badRequest("the kind in the data (\(kind)) does not match the expected kind (\(resource.kind))")
        }
        object["apiVersion"] = .string(resource.apiVersion)
        object["kind"] = .string(resource.kind)
        if object["metadata"] == nil || object["metadata"]?.isNull == true { object["metadata"] = .object([:]) }
        guard case .object = object["metadata"] ?? .null else { throw .badRequest("metadata must be an object") }
        return object
    }

    /// A namespaced object takes the URL's namespace (400 when the body names another); cluster-scoped objects
    /// have none.
    static func checkNamespace(_ object: inout JSON, resource: ResourceKind, urlNamespace: String?) throws(APIError) {
        guard resource.namespaced else {
            object[path: ["metadata", "namespace"]] = nil
            return
        }
        guard let urlNamespace else { throw .methodNotAllowed }
        if let bodyNamespace = object.namespace, bodyNamespace != urlNamespace {
            throw .badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        object[path: ["metadata", "namespace"]] = .string(urlNamespace)
    }
}
