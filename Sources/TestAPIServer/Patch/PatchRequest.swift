/// A parsed PATCH body by content type.
enum PatchRequest: Sendable {
    /// RFC 7386 merge patch (strategic merge patch is treated the same).
    case merge(JSON)
    /// RFC 6902 operations.
    case jsonPatch(JSON)
    /// Server-side apply of a full configuration by a field manager.
    case apply(JSON, fieldManager: String, force: Bool)
}

extension StoreState {
    /// Applies a patch atomically; returns the result and whether it created the object (apply only).
    mutating func patch(
        _ resource: ResourceKind, namespace: String?, name: String, subresource: String?, patch: PatchRequest
    ) throws(APIError) -> (object: JSON, created: Bool) {
        let key = StorageKey.make(namespace: resource.namespaced ? namespace : nil, name: name)
        guard let existing = object(resource, key: key) else {
            guard case .apply(let config, let manager, _) = patch, subresource == nil else {
                throw .notFound(resource, name: name)
            }
            var body = config
            if body.name.isEmpty { body[path: ["metadata", "name"]] = .string(name) }
            guard body.name == name else {
                throw .badRequest("the name of the object (\(body.name)) does not match the name on the URL (\(name))")
            }
            Self.recordApply(&body, manager: manager, resource: resource)
            return (try create(resource, namespace: namespace, body: body), true)
        }
        var patched: JSON
        switch patch {
        case .merge(let document):
            guard case .object = document else { throw .badRequest("the patch must be a JSON object") }
            patched = MergePatch.apply(document, to: existing)
        case .jsonPatch(let document):
            do {
                let operations = try JSONPatch.decode(document)
                patched = try JSONPatch.apply(operations, to: existing)
            } catch {
                switch error {
                case .malformed(let message): throw .badRequest(message)
                case .cannotApply(let message): throw APIError(code: 422, reason: "Invalid", message: message)
                }
            }
        case .apply(let config, let manager, _):
            guard case .object = config else { throw .badRequest("the applied configuration must be a JSON object") }
            if (config["apiVersion"]?.stringValue ?? "").isEmpty || (config["kind"]?.stringValue ?? "").isEmpty {
                throw .badRequest("apiVersion and kind must be set in the applied configuration")
            }
            patched = ApplyMerge.apply(config, to: existing)
            Self.recordApply(&patched, manager: manager, resource: resource)
        }
        // A resourceVersion the patch sets is a precondition.
        if patched.resourceVersionString != existing.resourceVersionString && !patched.resourceVersionString.isEmpty {
            throw .staleResourceVersion(resource, name: name)
        }
        patched[path: ["metadata", "resourceVersion"]] = existing[path: ["metadata", "resourceVersion"]]
        return (try update(resource, namespace: namespace, name: name, body: patched, subresource: subresource), false)
    }

    /// The minimal managedFields entry server-side apply leaves for its manager.
    private static func recordApply(_ object: inout JSON, manager: String, resource: ResourceKind) {
        var entries = (object[path: ["metadata", "managedFields"]]?.arrayValue ?? []).filter {
            !($0["manager"]?.stringValue == manager && $0["operation"]?.stringValue == "Apply")
        }
        entries.append([
            "manager": .string(manager), "operation": "Apply", "apiVersion": .string(resource.apiVersion),
            "time": .string(Clock.now()), "fieldsType": "FieldsV1", "fieldsV1": [:],
        ])
        object[path: ["metadata", "managedFields"]] = .array(entries)
    }
}
