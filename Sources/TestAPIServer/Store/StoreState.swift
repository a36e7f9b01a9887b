/// Everything the API server stores, mutated only under `APIServerState`'s lock: objects, the global resource
/// version, the event history, allocators and open watches. One write bumps the resource version by one.
struct StoreState {
    let configuration: StoreConfiguration
    var objects: [ResourceKind: [String: JSON]] = [:]
    /// The resource version of the last write (etcd's revision).
    var resourceVersion: Int64 = 1
    var history: [HistoryEvent] = []
    /// Events at or below this resource version are gone: resuming from older versions gets 410 Expired.
    var compactedRevision: Int64 = 1
    var clusterIPs: ClusterIPAllocator
    var nodePorts: NodePortAllocator
    var watchers: [Int: Watcher] = [:]
    var nextWatcherID = 1
    /// Terminating namespaces whose content removal has started.
    var finalizingNamespaces: Set<String> = []
    /// Side effects to run after the lock is released (finishing streams, scheduling namespace finalization).
    var deferredFinishes: [Watcher.Continuation] = []
    var deferredNamespaceFinalizations: [String] = []
    /// Endpoints names the mirroring controller is to sync once the lock is released.
    var deferredMirroringKeys: [String] = []
    /// When each resource's last write was committed: benchmarks time convergence by it, not by polling.
    var lastCommitted: [ResourceKind: ContinuousClock.Instant] = [:]

    init(configuration: StoreConfiguration) {
        self.configuration = configuration
        self.clusterIPs = ClusterIPAllocator(cidr: configuration.serviceCIDR) ?? .kubeDefault
        self.nodePorts = NodePortAllocator(range: configuration.nodePortRange)
    }

    // MARK: reading

    func object(_ resource: ResourceKind, key: String) -> JSON? {
        objects[resource]?[key]
    }

    /// Where the object with `uid` is stored, searching every resource.
    func locate(uid: String) -> (resource: ResourceKind, key: String, object: JSON)? {
        guard !uid.isEmpty else { return nil }
        for (resource, entries) in objects {
            for (key, object) in entries where object.uid == uid {
                return (resource, key, object)
            }
        }
        return nil
    }

    /// Objects that list `uid` among their owner references.
    func dependents(of uid: String) -> [(resource: ResourceKind, key: String, object: JSON)] {
        var result: [(ResourceKind, String, JSON)] = []
        for (resource, entries) in objects {
            for (key, object) in entries.sorted(by: { $0.key < $1.key }) where object.ownerUIDs.contains(uid) {
                result.append((resource, key, object))
            }
        }
        return result
    }

    /// The objects of `resource` as they were at `revision`, rebuilt by undoing later history; nil when compacted.
    func snapshot(_ resource: ResourceKind, at revision: Int64) -> [String: JSON]? {
        guard revision >= compactedRevision else { return nil }
        var entries = objects[resource] ?? [:]
        for event in history.reversed() {
            guard event.resourceVersion > revision else { break }
            guard event.resource == resource else { continue }
            switch event.type {
            case .added: entries[event.key] = nil
            case .modified, .deleted: entries[event.key] = event.previous
            case .bookmark, .error: break
            }
        }
        return entries
    }

    // MARK: writing

    /// Stores `object` under `key`, stamping a new resource version; emits ADDED or MODIFIED.
    @discardableResult
    mutating func commitPut(_ resource: ResourceKind, key: String, _ object: JSON) -> JSON {
        let previous = objects[resource]?[key]
        resourceVersion += 1
        var stored = object
        stored[path: ["metadata", "resourceVersion"]] = .string(String(resourceVersion))
        objects[resource, default: [:]][key] = stored
        record(
            HistoryEvent(
                type: previous == nil ? .added : .modified, resource: resource, key: key, object: stored,
                previous: previous, resourceVersion: resourceVersion))
        return stored
    }

    /// Removes the object under `key` for good; emits DELETED and runs what follows a removal (release of
    /// allocations, garbage collection of dependents, namespace completion).
    @discardableResult
    mutating func commitRemove(_ resource: ResourceKind, key: String, finalState: JSON) -> JSON {
        let previous = objects[resource]?[key]
        resourceVersion += 1
        var removed = finalState
        removed[path: ["metadata", "resourceVersion"]] = .string(String(resourceVersion))
        objects[resource]?[key] = nil
        record(
            HistoryEvent(
                type: .deleted, resource: resource, key: key, object: removed, previous: previous,
                resourceVersion: resourceVersion))
        afterRemoval(resource, removed)
        return removed
    }

    private mutating func record(_ event: HistoryEvent) {
        lastCommitted[event.resource] = .now
        history.append(event)
        if history.count > configuration.historyLimit {
            let dropCount = history.count - configuration.historyLimit
            compactedRevision = history[dropCount - 1].resourceVersion
            history.removeFirst(dropCount)
        }
        for watcher in watchers.values where watcher.resource == event.resource {
            if let (type, object) = watcher.translate(event) { watcher.send(type, object) }
        }
        if configuration.endpointSliceMirroring {
            deferredMirroringKeys += EndpointSliceMirroringController.keys(for: event)
        }
    }

    /// Drops all history: resuming watches and continuing lists from before now gets 410.
    mutating func compact() {
        history.removeAll()
        compactedRevision = resourceVersion
    }

    /// An etcd restore: the resource version jumps far ahead and all history is gone.
    mutating func resetHistory(jump: Int64) {
        resourceVersion += jump
        compact()
    }

    // MARK: helpers

    /// A stored namespace, if it exists.
    func namespaceObject(_ name: String) -> JSON? {
        objects[.namespaces]?[name]
    }

    func isTerminating(namespace: String) -> Bool {
        namespaceObject(namespace)?.isBeingDeleted ?? false
    }
}
