import KubeAPI
import Logging
import Synchronization

/// Mirrors qualifying remote services into the local cluster.
///
/// Events of both sides only enqueue the service's key; `reconcile` then decides from the two caches with
/// the pure `planService` and writes only when the plan says so. Nothing runs before both caches synced,
/// and an unreachable remote keeps its last known cache, so an outage never deletes anything locally.
public final class ServiceController: Sendable {
    let remoteServices: Informer<Service>
    let localServices: Informer<Service>
    /// The local slices: a federated service's other sources are recorded on theirs (nil: no federation).
    let localSlices: Informer<EndpointSlice>?
    private let localSliceIndex = ServiceSliceIndex()
    /// Federated services whose create found the name taken once: another source's create, most likely, which
    /// the local cache shows in a moment; taken again, it is someone else's and reported as for any mirror.
    private let federatedNameTaken = Mutex<Set<ObjectKey>>([])
    let writer: LocalWriter
    let conflicts: OwnershipConflicts
    let settings: ControllerSettings
    public let loop: ControllerLoop
    let metrics: ControllerMetrics
    let logger: Logger

    public init(
        remoteServices: Informer<Service>, localServices: Informer<Service>, localSlices: Informer<EndpointSlice>? = nil,
        writer: LocalWriter, conflicts: OwnershipConflicts, settings: ControllerSettings, metrics: ControllerMetrics,
        logger: Logger
    ) {
        self.localSlices = localSlices
        self.conflicts = conflicts
        self.remoteServices = remoteServices
        self.localServices = localServices
        self.writer = writer
        self.settings = settings
        self.loop = ControllerLoop(name: "service", metrics: metrics)
        self.metrics = metrics
        self.logger = logger
    }

    /// Registers handlers; call before the informers run. Returns those on the shared local informers.
    @discardableResult
    public func registerHandlers() -> LocalHandlerRegistrations {
        var local = LocalHandlerRegistrations()
        remoteServices.addHandler { [loop, logger] event in
            let service = event.object
            logger.debug("remote service \(event.verb): \(service.key)")
            loop.enqueue(service.key)
        }
        let registration = localServices.addHandler { [loop, logger] event in
            // Our own writes come back here too; planning them again is cheap and yields no write.
            // Deletions and hand edits of our services are what this is for, and services of the same name
            // that others hold coming and going.
            logger.trace("local service \(event.verb): \(event.object.key)")
            loop.enqueue(event.object.key)
        }
        local.add(registration, on: localServices)
        if let localSlices {
            // A federated service's sources coming and going decide who writes it and its ports.
            let slices = localSlices.addHandler { [loop, localSliceIndex] event in
                localSliceIndex.apply(event)
                guard event.object.metadata.labels[BarrelmanLabels.sourceClusterLabel] != nil,
                    let service = ServiceSliceIndex.serviceKey(of: event.object.metadata)
                else { return }
                loop.enqueue(service)
            }
            local.add(slices, on: localSlices)
        }
        return local
    }

    /// Runs until the task is cancelled. Call after the informers started.
    public func run(workers: Int) async {
        await loop.run(
            workers: workers, caches: [remoteServices.waitUntilSynced, localServices.waitUntilSynced],
            start: enqueueEverything, reconcile: reconcile)
    }

    /// Startup (and resync) pass: every remote service and every local one of ours, so services orphaned
    /// while barrelman was down are deleted and missing ones created.
    func enqueueEverything() {
        var keys = Set(remoteServices.keys)
        for service in localServices.list() where BarrelmanLabels.isManagedResource(service.metadata) {
            keys.insert(service.key)
        }
        for key in keys.sorted() { loop.enqueue(key) }
    }

    /// How often a mirror whose name an unwatched local service holds is tried again.
    static let nameTakenRecheck: Duration = .seconds(600)

    /// How soon a federated service's create that found the name taken is looked at again.
    static let federatedNameTakenRecheck: Duration = .seconds(1)

    /// Brings the local service `key` to what the remote one asks for.
    func reconcile(_ key: ObjectKey) async throws {
        let remote = remoteServices.get(key)
        let local = localServices.get(key)
        let federated =
            remote.map { remoteServiceFederates($0, settings: settings) } == true
            || local.map { BarrelmanLabels.isFederated($0.metadata) } == true
        let action =
            federated
            ? planFederatedService(
                remote: remote, local: local,
                others: localSlices.map { FederationSource.recorded(on: localSliceIndex.slices(of: key, in: $0)) } ?? [],
                settings: settings)
            : planService(remote: remote, local: local, settings: settings)
        if case .conflict(let holder) = action, let local {
            conflicts.report(
                resource: "service", service: local, holder: holder,
                detail: "remote service \(key) is not mirrored while it is; the first owner keeps the name")
            return
        }
        // A name taken by a service barrelman does not watch: asking again is a rejected write, so only now and then.
        if case .create = action, conflicts.isReported(key, resource: "service", within: Self.nameTakenRecheck) { return }
        do {
            let result = try await writer.apply(action, remote: remote)
            if result == .nameTaken, federated, federatedNameTaken.withLock({ $0.insert(key).inserted }) {
                loop.enqueue(key, after: Self.federatedNameTakenRecheck)
                return
            }
            federatedNameTaken.withLock { _ = $0.remove(key) }
            if result == .nameTaken, case .create(let desired) = action {
                conflicts.report(
                    resource: "service", service: desired, holder: "a service barrelman did not create",
                    detail: "remote service \(key) is not mirrored while it exists; rechecked every \(Self.nameTakenRecheck)")
                return
            }
            conflicts.resolved(key, resource: "service")
            metrics.serviceUpdated(action: action.metricAction)
            if case .update(let updated) = action, let local, mirroredPortsChange(from: local, to: updated) {
                writer.recorder.record(
                    on: updated, type: Event.normal, reason: "PortsChanged", message: "ports follow remote service \(key)")
            }
        } catch {
            if let namespace = error.terminatingNamespace {
                // Not a failure: the writer said so once. Check again later at a steady pace, not with the
                // growing backoff of failures, so the mirror returns soon after the namespace is gone.
                logger.debug("service \(key): waiting for local namespace \(namespace) to finish terminating")
                loop.enqueue(key, after: writer.namespaceRecheckInterval)
                return
            }
            if let reason = error.expectedRetryReason(failedAttempts: loop.failedAttempts(key)) {
                logger.debug("service \(key): \(action.metricAction): \(reason); retrying")
                throw error
            }
            metrics.serviceUpdateFailed(action: action.metricAction)
            logger.warning("service \(key): \(action.metricAction) failed: \(error)")
            if let subject = local ?? remote {
                writer.recorder.record(
                    on: subject, type: Event.warning, reason: "MirrorFailed", message: "\(action.metricAction): \(error)")
            }
            throw error
        }
    }
}

extension InformerEvent {
    /// The object the event is about (the new state for updates).
    var object: Object {
        switch self {
        case .added(let object), .deleted(let object, _): return object
        case .updated(_, let new): return new
        }
    }

    var verb: String {
        switch self {
        case .added: return "added"
        case .updated: return "updated"
        case .deleted: return "deleted"
        }
    }
}

extension KubeResource {
    var key: ObjectKey { ObjectKey(namespace: metadata.namespace, name: metadata.name) }
}
