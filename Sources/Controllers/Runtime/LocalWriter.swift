import KubeAPI
import Logging
import Synchronization

/// The only place the controllers write to the local cluster: every create, update and delete goes
/// through here, so `-dry-run` is one switch and every write is logged. Routine writes record no Event (as
/// kube-controller-manager's EndpointSlice mirroring controller records none): a first sync of 10 000 mirrors
/// would otherwise be 10 000 more writes. Events are for what needs a person (see `ServiceController`).
///
/// Refusals come back as `LocalWriteError`: a missing permission names the verb and resource to grant, and a
/// namespace being deleted is reported once (`namespaceTerminating`) and re-checked at most every
/// `namespaceRecheckInterval` until it is gone, then created again.
public final class LocalWriter: Sendable {
    let client: KubeClient
    let recorder: EventRecorder
    let dryRun: Bool
    let logger: Logger
    /// How long a namespace seen terminating is taken to still be terminating without asking the server again.
    let namespaceRecheckInterval: Duration
    /// Namespaces seen to exist, so each is checked once, not once per service.
    private let knownNamespaces = Mutex<Set<String>>([])
    /// Namespaces seen terminating, with when that was last confirmed.
    private let terminatingNamespaces = Mutex<[String: ContinuousClock.Instant]>([:])

    public init(
        client: KubeClient, recorder: EventRecorder, dryRun: Bool, logger: Logger,
        namespaceRecheckInterval: Duration = .seconds(5)
    ) {
        self.client = client
        self.recorder = recorder
        self.dryRun = dryRun
        self.logger = logger
        self.namespaceRecheckInterval = namespaceRecheckInterval
    }

    // MARK: services

    /// What became of a service write.
    enum ServiceWriteResult {
        case done
        /// A create met a local service of the same name that barrelman does not watch (no barrelman label).
        case nameTaken
    }

    @discardableResult
    func apply(_ action: ServiceAction, remote: Service?) async throws -> ServiceWriteResult {
        switch action {
        case .none, .conflict:
            return .done
        case .create(let service):
            let namespace = service.metadata.namespace ?? "default"
            try await ensureNamespace(namespace)
            guard !dryRun else {
                logDryRun("create service \(namespace)/\(service.metadata.name)")
                return .done
            }
            let created: Service
            do {
                created = try await client.create(service)
            } catch {
                // A service of the same name exists locally and is not in our cache: not ours, never touched.
                if error.isAlreadyExists { return .nameTaken }
                throw refused(error, verb: "create", resource: "services", namespace: namespace)
            }
            logger.info("created service \(namespace)/\(created.metadata.name)")
            return .done
        case .update(let service):
            let namespace = service.metadata.namespace ?? "default"
            let name = "\(namespace)/\(service.metadata.name)"
            guard !dryRun else {
                logDryRun("update service \(name)")
                return .done
            }
            do {
                _ = try await client.update(service)
            } catch {
                throw refused(error, verb: "update", resource: "services", namespace: namespace)
            }
            logger.info("updated service \(name)")
            return .done
        case .delete(let namespace, let name, let uid):
            guard !dryRun else {
                logDryRun("delete service \(namespace)/\(name)")
                return .done
            }
            do {
                try await client.delete(
                    Service.self, name: name, namespace: namespace, options: DeleteOptions(preconditionUID: uid))
            } catch {
                guard error.isNotFound else {
                    throw refused(error, verb: "delete", resource: "services", namespace: namespace)
                }
                return .done
            }
            logger.info("deleted service \(namespace)/\(name): the remote service is gone or no longer qualifies")
            return .done
        }
    }

    /// Creates `name` when missing; throws `namespaceTerminating` while it is being deleted. Namespaces are never
    /// deleted by barrelman.
    func ensureNamespace(_ name: String) async throws {
        if knownNamespaces.withLock({ $0.contains(name) }) { return }
        let now = ContinuousClock.now
        // A little under the interval, so a requeue after exactly one interval asks the server again.
        let recentlyTerminating = terminatingNamespaces.withLock { seen in
            seen[name].map { $0.duration(to: now) < namespaceRecheckInterval * 0.8 } ?? false
        }
        if recentlyTerminating { throw LocalWriteError.namespaceTerminating(name) }
        do {
            let namespace = try await client.get(Namespace.self, name: name)
            if namespace.metadata.deletionTimestamp != nil || namespace.isTerminating {
                noteTerminating(name)
                throw LocalWriteError.namespaceTerminating(name)
            }
        } catch let error as KubeError {
            guard error.isNotFound else { throw refused(error, verb: "get", resource: "namespaces", namespace: nil) }
            guard !dryRun else { return logDryRun("create namespace \(name)") }
            do {
                _ = try await client.create(Namespace(metadata: ObjectMeta(name: name)))
                logger.info("created namespace \(name)")
            } catch {
                // Someone else created it meanwhile: fine.
                guard error.isAlreadyExists else {
                    throw refused(error, verb: "create", resource: "namespaces", namespace: nil)
                }
            }
        }
        if terminatingNamespaces.withLock({ $0.removeValue(forKey: name) }) != nil {
            logger.info("namespace \(name) exists again; mirroring into it resumes")
        }
        _ = knownNamespaces.withLock { $0.insert(name) }
    }

    /// Forgets a namespace, after a write found it gone or terminating.
    func forgetNamespace(_ name: String) {
        _ = knownNamespaces.withLock { $0.remove(name) }
    }

    /// Remembers that `name` is terminating; the first time, says so in one line.
    private func noteTerminating(_ name: String) {
        forgetNamespace(name)
        let first = terminatingNamespaces.withLock { seen in seen.updateValue(.now, forKey: name) == nil }
        guard first else { return }
        logger.warning(
            "namespace \(name) is being deleted locally: services mirrored into it are created again once it is gone (checked every \(namespaceRecheckInterval))"
        )
    }

    /// The error to throw for a refused write; a write that found its namespace terminating or gone also
    /// forgets that namespace, so the next attempt checks it again instead of trusting the cache.
    private func refused(_ error: KubeError, verb: String, resource: String, namespace: String?) -> any Error {
        let classified = LocalWriteError.classify(error, verb: verb, resource: resource, namespace: namespace)
        if let terminating = classified.terminatingNamespace {
            noteTerminating(terminating)
        } else if let namespace, error.isNotFound, verb == "create" {
            forgetNamespace(namespace)
        }
        return classified
    }

    // MARK: endpoints

    func apply(_ action: EndpointsAction) async throws {
        switch action {
        case .none:
            return
        case .create(let endpoints):
            guard !dryRun else { return logDryRun("create endpoints \(endpoints.key)") }
            do {
                try await client.createIgnoringResponse(endpoints)
            } catch {
                throw refused(error, verb: "create", resource: "endpoints", namespace: endpoints.metadata.namespace)
            }
            logger.debug("created endpoints \(endpoints.key)")
        case .update(let endpoints):
            guard !dryRun else { return logDryRun("update endpoints \(endpoints.key)") }
            do {
                try await client.updateIgnoringResponse(endpoints)
            } catch {
                throw refused(error, verb: "update", resource: "endpoints", namespace: endpoints.metadata.namespace)
            }
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
            guard error.isNotFound else {
                throw refused(error, verb: "delete", resource: "endpoints", namespace: endpoints.metadata.namespace)
            }
        }
    }

    private static let endpointSlicesResource = "endpointslices.discovery.k8s.io"

    func apply(_ plan: EndpointSlicePlan) async throws {
        for slice in plan.create {
            guard !dryRun else { logDryRun("create endpointslice \(slice.key)"); continue }
            do {
                try await client.createIgnoringResponse(slice)
            } catch {
                throw refused(error, verb: "create", resource: Self.endpointSlicesResource, namespace: slice.metadata.namespace)
            }
        }
        for slice in plan.update {
            guard !dryRun else { logDryRun("update endpointslice \(slice.key)"); continue }
            do {
                try await client.updateIgnoringResponse(slice)
            } catch {
                throw refused(error, verb: "update", resource: Self.endpointSlicesResource, namespace: slice.metadata.namespace)
            }
        }
        for slice in plan.delete {
            guard !dryRun else { logDryRun("delete endpointslice \(slice.key)"); continue }
            do {
                try await client.delete(
                    EndpointSlice.self, name: slice.metadata.name, namespace: slice.metadata.namespace,
                    options: DeleteOptions(preconditionUID: slice.metadata.uid))
            } catch {
                guard error.isNotFound else {
                    throw refused(error, verb: "delete", resource: Self.endpointSlicesResource, namespace: slice.metadata.namespace)
                }
            }
        }
    }

    private func logDryRun(_ write: String) {
        logger.info("dry run: would \(write)")
    }
}
