extension StoreState {
    /// Replaces an object (PUT), or only its status for the `status` subresource.
    mutating func update(
        _ resource: ResourceKind, namespace: String?, name: String, body: JSON, subresource: String? = nil
    ) throws(APIError) -> JSON {
        var object = try ObjectPreparation.checkTypeMeta(body, for: resource)
        let bodyName = object.name
        if bodyName.isEmpty {
            object[path: ["metadata", "name"]] = .string(name)
        } else if bodyName != name {
            throw .badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        try ObjectPreparation.checkNamespace(&object, resource: resource, urlNamespace: namespace)
        let key = StorageKey.make(namespace: object.namespace, name: name)
        guard let old = self.object(resource, key: key) else { throw .notFound(resource, name: name) }
        try checkPreconditions(resource, name: name, old: old, resourceVersion: object.resourceVersionString, uid: object.uid)

        var updated: JSON
        if subresource == "status" {
            updated = old
            updated["status"] = object["status"]
        } else {
            updated = object
            for field in ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"] {
                updated[path: ["metadata", field]] = old[path: ["metadata", field]]
            }
            if updated[path: ["metadata", "managedFields"]] == nil {
                updated[path: ["metadata", "managedFields"]] = old[path: ["metadata", "managedFields"]]
            }
            if resource.hasStatusSubresource { updated["status"] = old["status"] }
            switch resource {
            case .services: try prepareServiceForUpdate(&updated, old: old)
            case .namespaces: updated["spec"] = old["spec"]  // spec.finalizers change only through /finalize
            case .endpointSlices: try EndpointSliceValidation.validate(updated, old: old)
            case .endpoints:
                EndpointsValidation.applyDefaults(&updated)
                try EndpointsValidation.validate(updated)
            default: break
            }
            if resource.tracksGeneration && Self.specChanged(old, updated) {
                updated[path: ["metadata", "generation"]] = .int((old[path: ["metadata", "generation"]]?.intValue ?? 0) + 1)
            }
        }
        updated[path: ["metadata", "resourceVersion"]] = old[path: ["metadata", "resourceVersion"]]
        // kube skips the write when nothing changed: no new resource version, no event.
        if updated == old { return old }
        if updated.isBeingDeleted && updated.finalizers.isEmpty
            && (resource != .namespaces || (updated[path: ["spec", "finalizers"]]?.arrayValue ?? []).isEmpty)
        {
            return commitRemove(resource, key: key, finalState: updated)
        }
        return commitPut(resource, key: key, updated)
    }

    /// Whether anything but metadata and status differs (what bumps `metadata.generation`).
    static func specChanged(_ old: JSON, _ new: JSON) -> Bool {
        var oldBody = old
        var newBody = new
        for field in ["metadata", "status"] {
            oldBody[field] = nil
            newBody[field] = nil
        }
        return oldBody != newBody
    }

    /// 409 when the caller's resourceVersion or uid precondition does not match the stored object.
    func checkPreconditions(_ resource: ResourceKind, name: String, old: JSON, resourceVersion: String, uid: String)
        throws(APIError)
    {
        if !uid.isEmpty && uid != old.uid {
            throw .conflict(
                resource, name: name, "Precondition failed: UID in precondition: \(uid), UID in object meta: \(old.uid)")
        }
        if !resourceVersion.isEmpty && resourceVersion != old.resourceVersionString {
            throw .staleResourceVersion(resource, name: name)
        }
    }
}
