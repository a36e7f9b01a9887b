import KubeAPI
import Logging
import Synchronization

/// Keeps the endpoints of every local barrelman service pointing at the remote cluster's ready nodes.
///
/// A node event recomputes the node address set once; only when that set changed are the services
/// enqueued, and each reconcile writes only the Endpoints/EndpointSlices whose content differs.
public final class NodeEndpointController: Sendable {
    let remoteNodes: Informer<NodeSummary>
    let localServices: Informer<Service>
    let localEndpoints: Informer<Endpoints>
    let localSlices: Informer<EndpointSlice>
    let writer: LocalWriter
    let settings: ControllerSettings
    let queue: WorkQueue<ObjectKey>
    let metrics: ControllerMetrics
    let logger: Logger
    /// The address set all reconciles use; replaced whole on relevant node changes.
    private let addresses = Mutex<NodeAddressSet?>(nil)
    /// Slice keys per service, so reconciling one service does not scan every cached slice: a node change
    /// reconciles every service, which would otherwise cost services x slices.
    private let slicesByService = Mutex<[ObjectKey: Set<ObjectKey>]>([:])

    public init(
        remoteNodes: Informer<NodeSummary>, localServices: Informer<Service>, localEndpoints: Informer<Endpoints>,
        localSlices: Informer<EndpointSlice>, writer: LocalWriter, settings: ControllerSettings,
        metrics: ControllerMetrics, logger: Logger
    ) {
        self.remoteNodes = remoteNodes
        self.localServices = localServices
        self.localEndpoints = localEndpoints
        self.localSlices = localSlices
        self.writer = writer
        self.settings = settings
        self.queue = WorkQueue(name: "node-endpoint", metrics: metrics.workQueue)
        self.metrics = metrics
        self.logger = logger
    }

    public func registerHandlers() {
        remoteNodes.addHandler { [self] _ in
            guard remoteNodes.hasSynced else { return }
            refreshAddresses()
        }
        localServices.addHandler { [self] event in
            guard case .deleted = event else {
                enqueue(event.object.key)
                return
            }
            // Kubernetes deletes the Endpoints with the service; our slices go by ownerReference.
        }
        // Hand edits or deletions of what we wrote bring the service back to the queue.
        localEndpoints.addHandler { [self] event in enqueue(event.object.key) }
        localSlices.addHandler { [self] event in
            indexSlice(event)
            if let service = Self.serviceKey(of: event.object) { enqueue(service) }
        }
    }

    /// The service a slice belongs to, from its `kubernetes.io/service-name` label.
    private static func serviceKey(of slice: EndpointSlice) -> ObjectKey? {
        slice.metadata.labels[EndpointSlice.serviceNameLabel].map {
            ObjectKey(namespace: slice.metadata.namespace, name: $0)
        }
    }

    /// Keeps `slicesByService` in step with the slice cache (handlers run in event order after the store changed).
    private func indexSlice(_ event: InformerEvent<EndpointSlice>) {
        slicesByService.withLock { index in
            func remove(_ slice: EndpointSlice) {
                guard let service = Self.serviceKey(of: slice) else { return }
                index[service]?.remove(ObjectKey(of: slice))
                if index[service]?.isEmpty == true { index[service] = nil }
            }
            switch event {
            case .added(let slice):
                if let service = Self.serviceKey(of: slice) { index[service, default: []].insert(ObjectKey(of: slice)) }
            case .updated(let old, let new):
                remove(old)
                if let service = Self.serviceKey(of: new) { index[service, default: []].insert(ObjectKey(of: new)) }
            case .deleted(let slice, _):
                remove(slice)
            }
        }
    }

    /// The cached slices of `service`, found through the index rather than a scan of every slice.
    private func cachedSlices(of service: ObjectKey) -> [EndpointSlice] {
        let keys = slicesByService.withLock { $0[service] ?? [] }
        return keys.sorted().compactMap { localSlices.get($0) }.filter { Self.serviceKey(of: $0) == service }
    }

    public func run(workers: Int) async {
        guard await remoteNodes.waitUntilSynced(), await localServices.waitUntilSynced(),
            await localEndpoints.waitUntilSynced(), await localSlices.waitUntilSynced()
        else { return }
        refreshAddresses(force: true)
        await withTaskCancellationHandler {
            await queue.run(workers: workers) { [self] key in
                try await reconcile(key)
            }
        } onCancel: { [queue] in
            queue.shutDown()
        }
    }

    /// Recomputes the address set from the node cache; enqueues every service only if it changed.
    func refreshAddresses(force: Bool = false) {
        let nodes = remoteNodes.list()
        metrics.currentNodes(nodes.count)
        let fresh = NodeAddressSet(nodes: nodes, settings: settings)
        let changed = addresses.withLock { current -> Bool in
            guard force || current != fresh else { return false }
            current = fresh
            return true
        }
        guard changed else { return }
        logger.debug("remote node addresses changed: \(fresh.readyCount) ready of \(fresh.all.count)")
        for service in localServices.list() where localServiceWantsEndpoints(service) {
            enqueue(service.key)
        }
    }

    private func enqueue(_ key: ObjectKey) {
        metrics.serviceQueued(controller: "node-endpoint", requeued: false)
        queue.add(key)
    }

    func reconcile(_ key: ObjectKey) async throws {
        guard let service = localServices.get(key), localServiceWantsEndpoints(service),
            service.metadata.deletionTimestamp == nil,
            let nodes = addresses.withLock({ $0 })
        else { return }
        do {
            try await sync(service, nodes: nodes)
            metrics.endpointsUpdated()
        } catch {
            if let namespace = error.terminatingNamespace {
                // The namespace's deletion removes this service too; a re-created service comes back as an add.
                logger.debug("endpoints of \(key): local namespace \(namespace) is terminating; not retrying")
                return
            }
            metrics.endpointsUpdateFailed()
            logger.warning("endpoints of \(key): \(error)")
            writer.recorder.record(
                on: service, type: Event.warning, reason: "EndpointsSyncFailed", message: "\(error)")
            throw error
        }
    }

    private func sync(_ service: Service, nodes: NodeAddressSet) async throws {
        let key = service.key
        let existingEndpoints = localEndpoints.get(key)
        let existingSlices = cachedSlices(of: key)
        let desired = desiredEndpoints(for: service, nodes: nodes, settings: settings)
        // Ports left out are reported whichever objects are written (they resolve the same way for both).
        for warning in desired.warnings {
            writer.recorder.record(on: service, type: Event.warning, reason: "UnresolvablePort", message: warning)
        }
        if settings.endpointsMode.writesEndpointSlices, let warning = endpointSlicePortLimitWarning(for: service) {
            writer.recorder.record(on: service, type: Event.warning, reason: "TooManyPorts", message: warning)
        }
        if settings.endpointsMode.writesEndpoints {
            try await writer.apply(planEndpoints(desired: desired.endpoints, existing: existingEndpoints))
        } else if let stale = existingEndpoints, BarrelmanLabels.isOurEndpoints(stale) {
            try await writer.deleteEndpoints(stale)
        }
        let desiredSlices =
            settings.endpointsMode.writesEndpointSlices
            ? desiredEndpointSlices(for: service, nodes: nodes, settings: settings, existing: existingSlices) : []
        try await writer.apply(planEndpointSlices(desired: desiredSlices, existing: existingSlices))
        let warnings = [
            noReadyNodesWarning(for: service, nodes: nodes, settings: settings),
            addressFamilyWarning(for: service, nodes: nodes, settings: settings),
        ]
        for case let warning? in warnings {
            writer.recorder.record(on: service, type: Event.warning, reason: warning.reason, message: warning.message)
        }
    }
}
