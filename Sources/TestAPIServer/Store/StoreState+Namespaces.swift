/// The namespace lifecycle: Active, then Terminating while its content is removed, then gone.
extension StoreState {
    static let undeletableNamespaces: Set<String> = ["default", "kube-system", "kube-public"]

    /// Creates the namespaces a fresh cluster has.
    mutating func seedNamespaces() {
        for name in configuration.initialNamespaces {
            _ = try? create(.namespaces, namespace: nil, body: ["metadata": ["name": .string(name)]])
        }
    }

    mutating func deleteNamespace(_ namespace: JSON) throws(APIError) -> (object: JSON, removed: Bool) {
        let name = namespace.name
        if Self.undeletableNamespaces.contains(name) {
            throw .forbidden(.namespaces, name: name, "this namespace may not be deleted")
        }
        if namespace.isBeingDeleted { return (namespace, false) }
        var terminating = namespace
        terminating[path: ["metadata", "deletionTimestamp"]] = .string(Clock.now())
        terminating[path: ["metadata", "deletionGracePeriodSeconds"]] = 0
        terminating[path: ["status", "phase"]] = "Terminating"
        let stored = commitPut(.namespaces, key: name, terminating)
        if configuration.namespaceFinalizationDelay == .zero {
            finalizeNamespace(name)
        } else {
            deferredNamespaceFinalizations.append(name)
        }
        let current = namespaceObject(name)
        return (current ?? stored, current == nil)
    }

    /// The namespace controller's work: delete everything inside, then drop the `kubernetes` finalizer.
    mutating func finalizeNamespace(_ name: String) {
        guard let namespace = namespaceObject(name), namespace.isBeingDeleted else { return }
        finalizingNamespaces.insert(name)
        for resource in ResourceKind.all where resource.namespaced {
            let keys = (objects[resource] ?? [:]).filter { $0.value.namespace == name }.keys.sorted()
            for key in keys {
                guard let object = object(resource, key: key), !object.isBeingDeleted else { continue }
                requestDeletion(resource, key: key, policy: .background)
            }
        }
        completeNamespaceIfEmpty(name)
    }

    /// Removes a terminating namespace once nothing is left in it and no finalizer holds it.
    mutating func completeNamespaceIfEmpty(_ name: String) {
        guard finalizingNamespaces.contains(name), var namespace = namespaceObject(name) else { return }
        for resource in ResourceKind.all where resource.namespaced {
            if (objects[resource] ?? [:]).values.contains(where: { $0.namespace == name }) { return }
        }
        var specFinalizers = namespace[path: ["spec", "finalizers"]]?.arrayValue ?? []
        if specFinalizers.contains("kubernetes") {
            specFinalizers.removeAll { $0 == "kubernetes" }
            namespace[path: ["spec", "finalizers"]] = specFinalizers.isEmpty ? nil : .array(specFinalizers)
            namespace = commitPut(.namespaces, key: name, namespace)
        }
        if specFinalizers.isEmpty && namespace.finalizers.isEmpty {
            commitRemove(.namespaces, key: name, finalState: namespace)
        }
    }
}

extension StoreState {
    /// PUT `/api/v1/namespaces/{name}/finalize`: replaces `spec.finalizers`; a terminating namespace left without
    /// finalizers goes away.
    mutating func finalizeUpdate(name: String, body: JSON) throws(APIError) -> JSON {
        guard var namespace = namespaceObject(name) else { throw .notFound(.namespaces, name: name) }
        if let version = body[path: ["metadata", "resourceVersion"]]?.stringValue, !version.isEmpty,
            version != namespace.resourceVersionString
        {
            throw .staleResourceVersion(.namespaces, name: name)
        }
        let finalizers = body[path: ["spec", "finalizers"]]?.arrayValue ?? []
        namespace[path: ["spec", "finalizers"]] = finalizers.isEmpty ? nil : .array(finalizers)
        let stored = commitPut(.namespaces, key: name, namespace)
        if stored.isBeingDeleted && finalizers.isEmpty && stored.finalizers.isEmpty {
            return commitRemove(.namespaces, key: name, finalState: stored)
        }
        return stored
    }
}
