import Synchronization

/// The state of the in-memory kube-apiserver: objects, history, watches, users and injected faults. It lives
/// outside the HTTP layer, so it survives the server being stopped and started again.
public final class APIServerState: Sendable {
    private let store: Mutex<StoreState>
    /// Credentials and access rules.
    public let authenticator = Authenticator()
    /// Injected failures, latency and request counters.
    public let faults = FaultInjector()
    public let configuration: StoreConfiguration
    /// Paces writes through the API when `configuration.writeCost` is set.
    let writeScheduler: WriteScheduler?
    /// kube-controller-manager's EndpointSlice mirroring, when `configuration.endpointSliceMirroring` is on.
    let mirroring: EndpointSliceMirroringController?

    public init(configuration: StoreConfiguration = StoreConfiguration()) {
        self.configuration = configuration
        self.writeScheduler = configuration.writeCost.map(WriteScheduler.init(model:))
        self.mirroring = configuration.endpointSliceMirroring ? EndpointSliceMirroringController() : nil
        var state = StoreState(configuration: configuration)
        state.seedNamespaces()
        self.store = Mutex(state)
    }

    /// Runs `body` under the store's lock, then performs the side effects it deferred (finishing streams,
    /// scheduling delayed namespace finalization, queueing Endpoints for mirroring) outside the lock.
    func withStore<Result: Sendable>(_ body: (inout StoreState) throws(APIError) -> Result) throws(APIError) -> Result {
        let (result, finishes, namespaces, mirroringKeys) = try store.withLock {
            state throws(APIError) -> (Result, [Watcher.Continuation], [String], [String]) in
            defer {
                state.deferredFinishes = []
                state.deferredNamespaceFinalizations = []
                state.deferredMirroringKeys = []
            }
            let result = try body(&state)
            return (result, state.deferredFinishes, state.deferredNamespaceFinalizations, state.deferredMirroringKeys)
        }
        for continuation in finishes { continuation.finish() }
        for namespace in namespaces { scheduleNamespaceFinalization(namespace) }
        if let mirroring, !mirroringKeys.isEmpty { mirroring.enqueue(mirroringKeys, state: self) }
        return result
    }

    /// Like `withStore`, but a dry run works on a copy that is thrown away (no events, no allocations kept).
    func withStore<Result: Sendable>(dryRun: Bool, _ body: (inout StoreState) throws(APIError) -> Result)
        throws(APIError) -> Result
    {
        guard dryRun else { return try withStore(body) }
        return try store.withLock { state throws(APIError) -> Result in
            var copy = state
            copy.watchers = [:]
            return try body(&copy)
        }
    }

    /// `withStore(dryRun:)` for a write the cost model paces: it runs at the write's turn on the shared
    /// timeline, in arrival order.
    func withStore<Result: Sendable>(
        dryRun: Bool, in turn: WriteScheduler.Reservation?, _ body: (inout StoreState) throws(APIError) -> Result
    ) async throws(APIError) -> Result {
        guard let turn, let writeScheduler else { return try withStore(dryRun: dryRun, body) }
        return try await writeScheduler.commit(turn) { () throws(APIError) -> Result in
            try withStore(dryRun: dryRun, body)
        }
    }

    private func scheduleNamespaceFinalization(_ name: String) {
        let delay = configuration.namespaceFinalizationDelay
        Task { [self] in
            try? await Task.sleep(for: delay)
            try? withStore { $0.finalizeNamespace(name) }
        }
    }

    // MARK: direct access for tests

    /// Creates an object; the resource comes from its `apiVersion` and `kind`, the namespace from its metadata.
    @discardableResult
    public func create(_ object: JSON) throws(APIError) -> JSON {
        let resource = try Self.resource(of: object)
        return try withStore { (store: inout StoreState) throws(APIError) in try store.create(resource, namespace: object.namespace, body: object) }
    }

    /// Replaces an object (PUT semantics, including the resourceVersion precondition when set).
    @discardableResult
    public func update(_ object: JSON) throws(APIError) -> JSON {
        let resource = try Self.resource(of: object)
        return try withStore { (store: inout StoreState) throws(APIError) in try store.update(resource, namespace: object.namespace, name: object.name, body: object)
        }
    }

    /// Replaces an object's status (the `/status` subresource).
    @discardableResult
    public func updateStatus(_ object: JSON) throws(APIError) -> JSON {
        let resource = try Self.resource(of: object)
        return try withStore { (store: inout StoreState) throws(APIError) in try store.update(resource, namespace: object.namespace, name: object.name, body: object, subresource: "status")
        }
    }

    /// The stored object (with kind and apiVersion), or nil.
    public func get(_ plural: String, namespace: String? = nil, name: String) -> JSON? {
        guard let resource = ResourceKind.lookup(plural: plural) else { return nil }
        let key = StorageKey.make(namespace: resource.namespaced ? namespace : nil, name: name)
        return try? withStore { $0.object(resource, key: key) }
    }

    /// Stored objects of a resource, sorted by namespace and name, optionally in one namespace.
    public func list(_ plural: String, namespace: String? = nil) -> [JSON] {
        guard let resource = ResourceKind.lookup(plural: plural) else { return [] }
        let all = (try? withStore { $0.objects[resource] ?? [:] }) ?? [:]
        return all.sorted { $0.key < $1.key }.map(\.value).filter { namespace == nil || $0.namespace == namespace }
    }

    /// Deletes an object as DELETE does; returns its last state.
    @discardableResult
    public func delete(
        _ plural: String, namespace: String? = nil, name: String, propagationPolicy: PropagationPolicy? = nil
    ) throws(APIError) -> JSON {
        guard let resource = ResourceKind.lookup(plural: plural) else { throw .pathNotFound }
        let options = DeleteOptions(propagationPolicy: propagationPolicy)
        return try withStore { (store: inout StoreState) throws(APIError) in try store.delete(resource, namespace: namespace, name: name, options: options).object }
    }

    /// When the last write of `plural` was committed (nil: none since the server started).
    public func lastCommitted(_ plural: String) -> ContinuousClock.Instant? {
        guard let resource = ResourceKind.lookup(plural: plural) else { return nil }
        return try? withStore { $0.lastCommitted[resource] }
    }

    /// The resource version of the last write.
    public var resourceVersion: Int64 { (try? withStore { $0.resourceVersion }) ?? 0 }

    /// Whether the EndpointSlice mirroring controller has nothing queued or in progress (true when it is off).
    public var endpointSliceMirroringIsIdle: Bool { mirroring?.isIdle ?? true }

    /// Number of open watches.
    public var openWatchCount: Int { (try? withStore { $0.watchers.count }) ?? 0 }

    // MARK: faults

    /// Compacts all history now: watches resuming from, and lists continuing at, older versions get 410.
    public func compact() {
        try? withStore { $0.compact() }
    }

    /// Simulates an etcd restore: the resource version jumps ahead by `jump` and all history is dropped.
    public func resetHistory(jump: Int64 = 1_000_000) {
        try? withStore { $0.resetHistory(jump: jump) }
    }

    /// Ends every open watch cleanly (the response finishes).
    public func closeAllWatches() {
        try? withStore { $0.closeAllWatchers(abort: false) }
    }

    /// Cuts every open watch's connection without a clean end.
    public func abortAllWatches() {
        try? withStore { $0.closeAllWatchers(abort: true) }
    }

    private static func resource(of object: JSON) throws(APIError) -> ResourceKind {
        let apiVersion = object["apiVersion"]?.stringValue ?? ""
        let kind = object["kind"]?.stringValue ?? ""
        guard let resource = ResourceKind.lookup(apiVersion: apiVersion, kind: kind) else {
            throw .badRequest("no resource is served for apiVersion \"\(apiVersion)\" and kind \"\(kind)\"")
        }
        return resource
    }
}
