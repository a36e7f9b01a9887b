import KubeAPI
import Logging
import Synchronization

/// The only place the controllers write to the local cluster: every create, update and delete goes
/// through here, so `-dry-run` is one switch, and every write is logged at debug level and recorded as an Event.
public final class LocalWriter: Sendable {
    let client: KubeClient
    let recorder: EventRecorder
    let dryRun: Bool
    let logger: Logger
    /// Namespaces seen to exist, so each is checked once, not once per service.
    private let knownNamespaces = Mutex<Set<String>>([])

    public init(client: KubeClient, recorder: EventRecorder, dryRun: Bool, logger: Logger) {
        self.client = client
        self.recorder = recorder
        self.dryRun = dryRun
        self.logger = logger
    }

    // MARK: services

    func apply(_ action: ServiceAction, remote: Service?) async throws {
        switch action {
        case .none:
            return
        case .create(let service):
            let namespace = service.metadata.namespace ?? "default"
            try await ensureNamespace(namespace)
            guard !dryRun else { return logDryRun("create service \(namespace)/\(service.metadata.name)") }
            do {
                let created = try await client.create(service)
                logger.info("created service \(namespace)/\(service.metadata.name)")
                recorder.record(
                    on: created, type: Event.normal, reason: "Created",
                    message: "mirrors remote service \(namespace)/\(service.metadata.name)")
            } catch {
                guard error.isAlreadyExists else { throw error }
                // A service of the same name exists locally; if it is not ours it is never touched.
                logger.info(
                    "service \(namespace)/\(service.metadata.name) exists locally and is not managed by barrelman; leaving it alone")
            }
        case .update(let service):
            let name = "\(service.metadata.namespace ?? "default")/\(service.metadata.name)"
            guard !dryRun else { return logDryRun("update service \(name)") }
            let updated = try await client.update(service)
            logger.info("updated service \(name)")
            recorder.record(on: updated, type: Event.normal, reason: "Updated", message: "ports follow the remote service")
        case .delete(let namespace, let name, let uid):
            guard !dryRun else { return logDryRun("delete service \(namespace)/\(name)") }
            do {
                try await client.delete(
                    Service.self, name: name, namespace: namespace, options: DeleteOptions(preconditionUID: uid))
                logger.info("deleted service \(namespace)/\(name)")
                // Kubernetes keeps events of deleted objects for their TTL: `kubectl get events` shows why it went.
                let deleted = Service(metadata: ObjectMeta(name: name, namespace: namespace, uid: uid))
                recorder.record(
                    on: deleted, type: Event.normal, reason: "Deleted",
                    message: "the remote service is gone or no longer qualifies for mirroring")
            } catch {
                guard error.isNotFound else { throw error }
            }
        }
    }

    /// Creates `name` when missing. Namespaces are never deleted by barrelman.
    func ensureNamespace(_ name: String) async throws {
        if knownNamespaces.withLock({ $0.contains(name) }) { return }
        do {
            _ = try await client.get(Namespace.self, name: name)
        } catch {
            guard error.isNotFound else { throw error }
            guard !dryRun else { return logDryRun("create namespace \(name)") }
            do {
                _ = try await client.create(Namespace(metadata: ObjectMeta(name: name)))
                logger.info("created namespace \(name)")
            } catch {
                // Someone else created it meanwhile: fine.
                guard error.isAlreadyExists else { throw error }
            }
        }
        _ = knownNamespaces.withLock { $0.insert(name) }
    }

    /// Forgets a namespace, after a write found it gone or terminating.
    func forgetNamespace(_ name: String) {
        _ = knownNamespaces.withLock { $0.remove(name) }
    }

    // MARK: endpoints

    func apply(_ action: EndpointsAction) async throws {
        switch action {
        case .none:
            return
        case .create(let endpoints):
            guard !dryRun else { return logDryRun("create endpoints \(endpoints.key)") }
            try await client.createIgnoringResponse(endpoints)
            logger.debug("created endpoints \(endpoints.key)")
        case .update(let endpoints):
            guard !dryRun else { return logDryRun("update endpoints \(endpoints.key)") }
            try await client.updateIgnoringResponse(endpoints)
            logger.debug("updated endpoints \(endpoints.key)")
        }
    }

    func deleteEndpoints(_ endpoints: Endpoints) async throws {
        guard !dryRun else { return logDryRun("delete endpoints \(endpoints.key)") }
        do {
            try await client.delete(
                Endpoints.self, name: endpoints.metadata.name, namespace: endpoints.metadata.namespace,
                options: DeleteOptions(preconditionUID: endpoints.metadata.uid))
        } catch {
            guard error.isNotFound else { throw error }
        }
    }

    func apply(_ plan: EndpointSlicePlan) async throws {
        for slice in plan.create {
            guard !dryRun else { logDryRun("create endpointslice \(slice.key)"); continue }
            try await client.createIgnoringResponse(slice)
        }
        for slice in plan.update {
            guard !dryRun else { logDryRun("update endpointslice \(slice.key)"); continue }
            try await client.updateIgnoringResponse(slice)
        }
        for slice in plan.delete {
            guard !dryRun else { logDryRun("delete endpointslice \(slice.key)"); continue }
            do {
                try await client.delete(
                    EndpointSlice.self, name: slice.metadata.name, namespace: slice.metadata.namespace,
                    options: DeleteOptions(preconditionUID: slice.metadata.uid))
            } catch {
            guard error.isNotFound else { throw error }
        }
        }
    }

    private func logDryRun(_ write: String) {
        logger.info("dry run: would \(write)")
    }
}
