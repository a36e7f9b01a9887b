/// How dependents are treated when their owner is deleted.
public enum PropagationPolicy: String, Sendable {
    case background = "Background"
    case foreground = "Foreground"
    case orphan = "Orphan"
}

/// The parts of `DeleteOptions` the server honours.
struct DeleteOptions: Sendable {
    var preconditionUID: String?
    var preconditionResourceVersion: String?
    var propagationPolicy: PropagationPolicy?

    static let none = DeleteOptions()
}

extension StoreState {
    /// Deletes an object (DELETE). Returns its latest state and whether it is gone (false while finalizers or
    /// dependents of a foreground deletion hold it).
    mutating func delete(_ resource: ResourceKind, namespace: String?, name: String, options: DeleteOptions)
        throws(APIError) -> (object: JSON, removed: Bool)
    {
        let key = StorageKey.make(namespace: resource.namespaced ? namespace : nil, name: name)
        guard let existing = object(resource, key: key) else { throw .notFound(resource, name: name) }
        if let uid = options.preconditionUID, !uid.isEmpty, uid != existing.uid {
            throw .conflict(
                resource, name: name,
                "Precondition failed: UID in precondition: \(uid), UID in object meta: \(existing.uid)")
        }
        if let version = options.preconditionResourceVersion, !version.isEmpty,
            version != existing.resourceVersionString
        {
            throw .conflict(
                resource, name: name,
                "Precondition failed: ResourceVersion in precondition: \(version), ResourceVersion in object meta: "
                    + existing.resourceVersionString)
        }
        if resource == .namespaces { return try deleteNamespace(existing) }
        return requestDeletion(resource, key: key, policy: options.propagationPolicy ?? .background)
    }

    /// Deletion without request checks, used by DELETE, the garbage collector and namespace cleanup.
    @discardableResult
    mutating func requestDeletion(_ resource: ResourceKind, key: String, policy: PropagationPolicy)
        -> (object: JSON, removed: Bool)
    {
        guard var object = object(resource, key: key) else { return (.null, true) }
        let uid = object.uid
        switch policy {
        case .orphan:
            orphanDependents(of: uid)
        case .foreground:
            if !dependents(of: uid).isEmpty {
                markDeleting(&object, addingFinalizer: "foregroundDeletion")
                commitPut(resource, key: key, object)
                deleteDependents(of: uid)
                let current = self.object(resource, key: key)
                return (current ?? object, current == nil)
            }
        case .background:
            break
        }
        if !object.finalizers.isEmpty {
            if object.isBeingDeleted { return (object, false) }
            markDeleting(&object, addingFinalizer: nil)
            return (commitPut(resource, key: key, object), false)
        }
        return (commitRemove(resource, key: key, finalState: object), true)
    }

    private func markDeleting(_ object: inout JSON, addingFinalizer finalizer: String?) {
        if !object.isBeingDeleted {
            object[path: ["metadata", "deletionTimestamp"]] = .string(Clock.now())
            object[path: ["metadata", "deletionGracePeriodSeconds"]] = 0
        }
        if let finalizer, !object.finalizers.contains(finalizer) {
            object[path: ["metadata", "finalizers"]] = .array((object.finalizers + [finalizer]).map(JSON.string))
        }
    }

    /// What follows an object's removal: allocations return, dependents are collected, owners waiting in
    /// foreground deletion and terminating namespaces may complete.
    mutating func afterRemoval(_ resource: ResourceKind, _ removed: JSON) {
        if resource == .services { releaseServiceAllocations(removed) }
        if resource == .namespaces { finalizingNamespaces.remove(removed.name) }
        deleteDependents(of: removed.uid)
        for ownerUID in removed.ownerUIDs { completeForegroundDeletion(ownerUID: ownerUID) }
        if let namespace = removed.namespace, finalizingNamespaces.contains(namespace) {
            completeNamespaceIfEmpty(namespace)
        }
    }

    /// The garbage collector: dependents whose only live owner is `uid` are deleted; those with other live owners
    /// just lose the reference.
    mutating func deleteDependents(of uid: String) {
        guard !uid.isEmpty else { return }
        for dependent in dependents(of: uid) {
            let otherLiveOwners = dependent.object.ownerUIDs.filter { $0 != uid && locate(uid: $0) != nil }
            if otherLiveOwners.isEmpty {
                requestDeletion(dependent.resource, key: dependent.key, policy: .background)
            } else {
                removeOwnerReference(uid, from: dependent.resource, key: dependent.key)
            }
        }
    }

    /// kube-controller-manager's garbage collector also deletes a new dependent whose owners no longer exist
    /// (a create that raced with its owner's deletion); here that happens right after the create.
    mutating func collectIfOwnersAreGone(_ resource: ResourceKind, key: String, _ object: JSON) {
        let owners = object.ownerUIDs
        guard !owners.isEmpty, owners.allSatisfy({ locate(uid: $0) == nil }) else { return }
        requestDeletion(resource, key: key, policy: .background)
    }

    /// Orphan propagation: dependents lose their reference to `uid` and stay.
    mutating func orphanDependents(of uid: String) {
        for dependent in dependents(of: uid) {
            removeOwnerReference(uid, from: dependent.resource, key: dependent.key)
        }
    }

    private mutating func removeOwnerReference(_ uid: String, from resource: ResourceKind, key: String) {
        guard var object = object(resource, key: key) else { return }
        let references = object[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []
        let remaining = references.filter { $0["uid"]?.stringValue != uid }
        object[path: ["metadata", "ownerReferences"]] = remaining.isEmpty ? nil : .array(remaining)
        commitPut(resource, key: key, object)
    }

    /// An owner in foreground deletion goes once its last dependent is gone.
    private mutating func completeForegroundDeletion(ownerUID: String) {
        guard let owner = locate(uid: ownerUID), owner.object.isBeingDeleted,
            owner.object.finalizers.contains("foregroundDeletion"), dependents(of: ownerUID).isEmpty
        else { return }
        var object = owner.object
        let finalizers = object.finalizers.filter { $0 != "foregroundDeletion" }
        object[path: ["metadata", "finalizers"]] = finalizers.isEmpty ? nil : .array(finalizers.map(JSON.string))
        if finalizers.isEmpty {
            commitRemove(owner.resource, key: owner.key, finalState: object)
        } else {
            commitPut(owner.resource, key: owner.key, object)
        }
    }
}
