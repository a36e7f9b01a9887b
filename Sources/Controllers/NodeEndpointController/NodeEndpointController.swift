import KubeAPI
import Logging
import Synchronization

/// Keeps the endpoints of every local service this instance serves pointing at the remote cluster's nodes.
///
/// A node event recomputes the node candidates once; only when they changed are services enqueued: all of them
/// when nodes came, went or changed readiness, only those using a changed node when just addresses changed.
/// `reconcile` first asks `endpointDuty` whether the service is this instance's to serve, then computes the
/// desired objects from the caches and writes only the Endpoints/EndpointSlices whose content differs.
/// Services whose remote has `externalTrafficPolicy: Local` get only the nodes running their ready pods,
/// from a projected cache of the remote EndpointSlices.
public final class NodeEndpointController: Sendable {
    let remoteNodes: Informer<NodeSummary>
    let remoteServices: Informer<Service>
    let remoteSlices: Informer<EndpointSliceSummary>
    let localServices: Informer<Service>
    let localEndpoints: Informer<Endpoints>
    let localSlices: Informer<EndpointSlice>
    let writer: LocalWriter
    let conflicts: OwnershipConflicts
    let warnings: StateWarnings
    let settings: ControllerSettings
    public let loop: ControllerLoop
    let metrics: ControllerMetrics
    let logger: Logger
    /// The nodes that may carry traffic and the selection for `Cluster` services; replaced whole on node changes.
    private let candidates = Mutex<NodeCandidates?>(nil)
    /// Node events only mark the candidates stale; one worker recomputes them, so a burst of node changes (a
    /// zone going down) costs a few recomputations, not one per event.
    private let candidateRefresh = WorkQueue<Int>(name: "node-candidates")
    private let localSliceIndex = ServiceSliceIndex()
    private let nodeIndex = ServiceNodeIndex()
    private let remoteSliceIndex = ServiceSliceIndex()
    /// What the node probes say (`NodeProber`); `.unknown` without probing.
    private let reachability = Mutex(Reachability.unknown)
    /// Services whose endpoints fail open (every node of theirs fails its probes), for the gauge.
    private let failingOpen = Mutex<Set<ObjectKey>>([])

    /// What every reconcile starts from, computed once per node change or probe verdict.
    struct NodeCandidates {
        /// Readiness as the API says it.
        var byAPI: NodeAddressSet
        /// Readiness as the API and the probes say it: a node failing its probes is not ready.
        var all: NodeAddressSet
        var reachability: Reachability
        /// The selection for services without `externalTrafficPolicy: Local`.
        var cluster: EndpointNodeSelection
        /// Each such service's share of `cluster` with `-nodes-per-service`.
        var subsets: NodeSubset?

        init(nodes: [NodeSummary], settings: ControllerSettings, reachability: Reachability) {
            byAPI = NodeAddressSet(nodes: nodes, settings: settings)
            all = byAPI.markingNotReady(reachability.unreachable)
            self.reachability = reachability
            cluster = EndpointNodeSelection(candidates: all)
            subsets = settings.nodesPerService > 0 ? NodeSubset(nodes: cluster.nodes) : nil
        }

        /// The nodes the API calls ready, each with the address probes go to (IPv4 first).
        var probeAddresses: [String: String] {
            var addresses: [String: String] = [:]
            for entry in byAPI.ipv6 where entry.ready { addresses[entry.nodeName] = entry.address }
            for entry in byAPI.ipv4 where entry.ready { addresses[entry.nodeName] = entry.address }
            return addresses
        }

        /// The nodes a service using every node gets by the API alone. Nodes it leaves out (a kind control
        /// plane labelled exclude-from-external-load-balancers) are not probed for it: a probe answering there
        /// must not stop "every node fails" from failing open.
        var clusterNodesByAPI: Set<String> {
            Set(EndpointNodeSelection(candidates: byAPI).nodes.all.lazy.filter(\.ready).map(\.nodeName))
        }
    }

    public init(
        remoteNodes: Informer<NodeSummary>, remoteServices: Informer<Service>,
        remoteSlices: Informer<EndpointSliceSummary>, localServices: Informer<Service>,
        localEndpoints: Informer<Endpoints>, localSlices: Informer<EndpointSlice>, writer: LocalWriter,
        conflicts: OwnershipConflicts, settings: ControllerSettings, metrics: ControllerMetrics, logger: Logger
    ) {
        self.remoteNodes = remoteNodes
        self.remoteServices = remoteServices
        self.remoteSlices = remoteSlices
        self.localServices = localServices
        self.localEndpoints = localEndpoints
        self.localSlices = localSlices
        self.writer = writer
        self.conflicts = conflicts
        self.warnings = StateWarnings(recorder: writer.recorder)
        self.settings = settings
        self.loop = ControllerLoop(name: "node-endpoint", metrics: metrics)
        self.metrics = metrics
        self.logger = logger
    }

    /// Registers handlers; call before the informers run. Returns those on the shared local informers.
    @discardableResult
    public func registerHandlers() -> LocalHandlerRegistrations {
        var local = LocalHandlerRegistrations()
        remoteNodes.addHandler { [self] event in
            guard remoteNodes.hasSynced else { return }
            // A resync redelivers every node unchanged: nothing to recompute.
            if case .updated(let old, let new) = event, old == new { return }
            candidateRefresh.add(0)
        }
        // Every change, deletions included: a service that left our label selector (label removed or changed)
        // arrives as a deletion, and its endpoint objects must go although the service lives on.
        local.add(localServices.addHandler { [self] event in enqueue(event.object.key) }, on: localServices)
        // Hand edits or deletions of what we wrote bring the service back to the queue.
        local.add(localEndpoints.addHandler { [self] event in enqueue(event.object.key) }, on: localEndpoints)
        let slices = localSlices.addHandler { [self] event in
            localSliceIndex.apply(event)
            if let service = ServiceSliceIndex.serviceKey(of: event.object.metadata) { enqueue(service) }
        }
        local.add(slices, on: localSlices)
        // The remote side of `externalTrafficPolicy: Local`: the policy itself, and where the pods run.
        remoteServices.addHandler { [self] event in
            // A federated service's slice set follows its remote service whole: presence, ports, creation time.
            if let local = localServices.get(event.object.key), BarrelmanLabels.isFederated(local.metadata) {
                return enqueue(event.object.key)
            }
            switch event {
            case .updated(let old, let new) where routesToLocalEndpointsOnly(old) == routesToLocalEndpointsOnly(new):
                return
            case .added(let service), .deleted(let service, _):
                guard routesToLocalEndpointsOnly(service) else { return }
            case .updated: break
            }
            enqueue(event.object.key)
        }
        remoteSlices.addHandler { [self] event in
            remoteSliceIndex.apply(event)
            if case .updated(let old, let new) = event, old.readyNodes == new.readyNodes,
                old.servingTerminatingNodes == new.servingTerminatingNodes
            {
                return
            }
            guard let service = ServiceSliceIndex.serviceKey(of: event.object.metadata),
                let remote = remoteServices.get(service), routesToLocalEndpointsOnly(remote)
            else { return }
            enqueue(service)
        }
        return local
    }

    public func run(workers: Int) async {
        await withDiscardingTaskGroup { group in
            // Not among the caches waited for: without read access to the remote slices, every service but
            // the `externalTrafficPolicy: Local` ones is still served; those are queued again once it syncs.
            group.addTask { [self] in
                guard await remoteSlices.waitUntilSynced() else { return }
                for service in localServices.list() { enqueue(service.key) }
            }
            group.addTask { [self] in
                await withTaskCancellationHandler {
                    await candidateRefresh.run(workers: 1) { _ in self.refreshCandidates() }
                } onCancel: { [candidateRefresh] in
                    candidateRefresh.shutDown()
                }
            }
            group.addTask { [self] in
                await loop.run(
                    workers: workers,
                    caches: [
                        remoteNodes.waitUntilSynced, remoteServices.waitUntilSynced, localServices.waitUntilSynced,
                        localEndpoints.waitUntilSynced, localSlices.waitUntilSynced,
                    ],
                    start: { self.refreshCandidates(force: true) }, reconcile: reconcile)
            }
        }
    }

    /// Takes the prober's new verdicts; the candidates follow on the refresh worker.
    public func reachabilityChanged(_ fresh: Reachability) {
        reachability.withLock { $0 = fresh }
        candidateRefresh.add(0)
    }

    /// What the prober probes next round: the nodes served services use; nil before the first node sync.
    public func probeInputs() -> ProbeInputs? {
        guard let current = candidates.withLock({ $0 }) else { return nil }
        let usage = nodeIndex.probeUsage()
        return ProbeInputs(
            candidates: current.probeAddresses,
            used: usage.someUseEveryNode ? usage.nodes.union(current.clusterNodesByAPI) : usage.nodes,
            tcpPort: usage.tcpPort, serviceHealth: usage.healthChecks)
    }

    /// Recomputes the node candidates from the node cache and enqueues the services the change can affect.
    func refreshCandidates(force: Bool = false) {
        let nodes = remoteNodes.list()
        metrics.currentNodes(nodes.count)
        let fresh = NodeCandidates(nodes: nodes, settings: settings, reachability: reachability.withLock { $0 })
        let (change, healthChanged) = candidates.withLock { current -> (NodeCandidateChange, Set<ObjectKey>) in
            var change = force ? .membership : nodeCandidateChange(from: current?.all, to: fresh.all)
            // Failing open or not is every service's warning; a Local service's health check only its own.
            if change == .none, current?.reachability.failingOpen != fresh.reachability.failingOpen {
                change = .membership
            }
            let before = current?.reachability.serviceHealthFailing ?? [:]
            let after = fresh.reachability.serviceHealthFailing
            let healthChanged = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }
            if change != .none || !healthChanged.isEmpty { current = fresh }
            return (change, healthChanged)
        }
        for service in healthChanged where change != .membership { enqueue(service) }
        switch change {
        case .none:
            return
        case .addresses(let changed):
            logger.debug("remote node addresses changed: \(changed.sorted().joined(separator: ", "))")
            for service in localServices.list()
            where localServiceWantsEndpoints(service) && nodeIndex.uses(service.key, anyOf: changed) {
                enqueue(service.key)
            }
        case .membership:
            logger.debug("remote node candidates changed: \(fresh.all.readyCount) ready of \(fresh.all.all.count)")
            for service in localServices.list() where localServiceWantsEndpoints(service) {
                enqueue(service.key)
            }
        }
    }

    private func enqueue(_ key: ObjectKey) { loop.enqueue(key) }

    func reconcile(_ key: ObjectKey) async throws {
        guard let candidates = candidates.withLock({ $0 }) else { return }
        let service = localServices.get(key)
        let existingSlices = localSliceIndex.slices(of: key, in: localSlices)
        let existingEndpoints = localEndpoints.get(key)
        let servesFederated =
            service.map { BarrelmanLabels.isFederated($0.metadata) } == true
            && remoteServices.get(key).map { remoteServiceFederates($0, settings: settings) } == true
        let duty = endpointDuty(
            service: service, existingSlices: existingSlices, existingEndpoints: existingEndpoints, settings: settings,
            servesFederated: servesFederated)
        do {
            switch duty {
            case .release:
                nodeIndex.forget(key)
                noteFailingOpen(key, false)
                conflicts.resolved(key, resource: "endpoints")
                warnings.clear(key)
                try await release(key, slices: existingSlices, endpoints: existingEndpoints)
            case .conflict(let holder):
                nodeIndex.forget(key)
                if let service {
                    conflicts.report(
                        resource: "endpoints", service: service, holder: holder,
                        detail: "this instance leaves them alone; name the serving instance in the service's "
                            + "\(BarrelmanLabels.remoteClusterAnnotation) annotation to choose")
                }
            case .serve:
                guard let service else { return nodeIndex.forget(key) }
                conflicts.resolved(key, resource: "endpoints")
                try await sync(service, candidates: candidates, slices: existingSlices, endpoints: existingEndpoints)
                metrics.endpointsUpdated()
            }
        } catch {
            if let namespace = error.terminatingNamespace {
                // The namespace's deletion removes this service too; a re-created service comes back as an add.
                logger.debug("endpoints of \(key): local namespace \(namespace) is terminating; not retrying")
                return
            }
            if let reason = error.expectedRetryReason(failedAttempts: loop.failedAttempts(key)) {
                logger.debug("endpoints of \(key): \(reason); retrying")
                throw error
            }
            metrics.endpointsUpdateFailed()
            logger.warning("endpoints of \(key): \(error)")
            if let service {
                writer.recorder.record(
                    on: service, type: Event.warning, reason: "EndpointsSyncFailed", message: "\(error)")
            }
            throw error
        }
    }

    /// Deletes the slices and Endpoints this instance wrote for a service it no longer serves.
    private func release(_ key: ObjectKey, slices: [EndpointSlice], endpoints: Endpoints?) async throws {
        let ownership = settings.ownership
        let plan = planEndpointSlices(desired: [], existing: slices, ownership: ownership)
        if !plan.isEmpty { logger.info("endpoints of \(key): no longer served by this instance; removing its slices") }
        try await writer.apply(plan)
        if let endpoints, BarrelmanLabels.isOurEndpoints(endpoints), ownership.claim(endpoints.metadata) == .ours {
            try await writer.deleteEndpoints(endpoints)
        }
    }

    /// A service's nodes and how they were chosen.
    private struct ServiceSelection {
        var selection: EndpointNodeSelection
        /// Its remote service has `externalTrafficPolicy: Local`, with this health check node port if any.
        var routesLocally: Bool
        var healthCheckNodePort: Int?
        /// Every node of the service fails its probes, and the API's readiness stands.
        var failingOpen: Bool
    }

    /// The node selection for `service`: its own nodes for `externalTrafficPolicy: Local`, else the shared one
    /// (its subset with `-nodes-per-service`). nil while the remote slices needed for that are not cached yet.
    private func selection(for service: Service, candidates: NodeCandidates) -> ServiceSelection? {
        let reachability = candidates.reachability
        guard BarrelmanLabels.isManagedResource(service.metadata), let remote = remoteServices.get(service.key),
            routesToLocalEndpointsOnly(remote)
        else {
            var selection = candidates.cluster
            if let subsets = candidates.subsets {
                selection.nodes = subsets.choose(service: service.key, count: settings.nodesPerService)
            }
            return ServiceSelection(
                selection: selection, routesLocally: false, failingOpen: reachability.failingOpen)
        }
        guard remoteSlices.hasSynced else { return nil }
        let hosting = nodesHostingEndpoints(remoteSliceIndex.slices(of: service.key, in: remoteSlices))
        let failing = reachability.unreachable.union(reachability.serviceHealthFailing[service.key] ?? [])
        let (selection, failingOpen) = reachableSelection(
            candidates: candidates.byAPI, hosting: hosting, failing: failing)
        return ServiceSelection(
            selection: selection, routesLocally: true, healthCheckNodePort: remote.spec.healthCheckNodePort.map(Int.init),
            failingOpen: failingOpen || reachability.failingOpen)
    }

    private func sync(
        _ service: Service, candidates: NodeCandidates, slices existingSlices: [EndpointSlice],
        endpoints existingEndpoints: Endpoints?
    ) async throws {
        guard let chosen = selection(for: service, candidates: candidates) else {
            logger.debug("endpoints of \(service.key): waiting for the remote EndpointSlices cache")
            return
        }
        let (selection, routesLocally) = (chosen.selection, chosen.routesLocally)
        let nodes = selection.nodes
        let view = federatedView(of: service, slices: existingSlices)
        // A federated service's slices carry this source's ports, not the Service's (the writer's node ports).
        let ported = view?.service ?? service
        let desired = desiredEndpoints(for: ported, nodes: nodes, settings: settings)
        // Recorded before writing: a change of these nodes' addresses during the write queues the service again.
        nodeIndex.record(
            service.key, nodes: routesLocally || candidates.subsets != nil ? nodes : nil,
            clusterNodePort: routesLocally ? nil : EndpointPortResolution(service: ported).ports.first.map { Int($0.port) },
            healthCheck: chosen.healthCheckNodePort.map { port in
                ServiceHealthCheck(port: port, nodes: Set(nodes.all.map(\.nodeName)))
            })
        // Endpoints cannot hold one set per source: a federated service gets EndpointSlices only.
        if settings.endpointsMode.writesEndpoints && view == nil {
            try await writer.apply(planEndpoints(desired: desired.endpoints, existing: existingEndpoints))
        } else if let stale = existingEndpoints, BarrelmanLabels.isOurEndpoints(stale),
            view == nil || settings.ownership.claim(stale.metadata) == .ours
        {
            // A mode switch; `endpointDuty` said no other instance holds them.
            try await writer.deleteEndpoints(stale)
        }
        let desiredSlices =
            settings.endpointsMode.writesEndpointSlices || view != nil
            ? desiredEndpointSlices(
                for: ported, nodes: nodes, settings: settings, existing: existingSlices, federation: view?.slices)
            : []
        try await writer.apply(
            planEndpointSlices(desired: desiredSlices, existing: existingSlices, ownership: settings.ownership))

        // Ports left out are reported whichever objects are written (they resolve the same way for both).
        var found = desired.warnings.map { ServiceEventWarning(reason: "UnresolvablePort", message: $0) }
        if settings.endpointsMode.writesEndpointSlices, let warning = endpointSlicePortLimitWarning(for: ported) {
            found.append(ServiceEventWarning(reason: "TooManyPorts", message: warning))
        }
        if let view, !view.portConflicts.isEmpty {
            found.append(
                ServiceEventWarning(
                    reason: Self.portConflictReason,
                    message: "federated service: the slices of remote cluster \(settings.ownership.identity) leave out "
                        + view.portConflicts.joined(separator: "; ") + " (the oldest remote service wins)"))
        }
        found += [
            routesLocally
                ? noLocalEndpointsWarning(for: service, selection: selection)
                : noReadyNodesWarning(for: service, nodes: nodes, settings: settings),
            excludedNodesWarning(for: service, selection: selection),
            addressFamilyWarning(for: service, nodes: nodes, settings: settings),
            chosen.failingOpen && nodes.readyCount > 0 ? failingOpenWarning : nil,
        ].compactMap { $0 }
        let recorded = warnings.update(service, to: found)
        if recorded.contains(where: { $0.reason == Self.portConflictReason }) { metrics.federatedPortConflict() }
        noteFailingOpen(service.key, chosen.failingOpen && nodes.readyCount > 0)
    }

    static let portConflictReason = "FederatedPortConflict"

    /// A federated service as this source serves it: its own ports less those conflicting with older sources,
    /// and its slice set (standing by while a preferred source has a ready endpoint). nil for other services.
    private func federatedView(
        of service: Service, slices: [EndpointSlice]
    ) -> (service: Service, slices: FederatedSliceSet, portConflicts: [String])? {
        guard BarrelmanLabels.isFederated(service.metadata), let remote = remoteServices.get(service.key) else {
            return nil
        }
        let mine = FederationSource(remote: remote, settings: settings)
        let others = FederationSource.recorded(on: slices).filter { $0.identity != mine.identity }
        let ports = federatedPorts(others + [mine])
        var view = service
        view.spec.ports = ports.accepted[mine.identity] ?? []
        let set = FederatedSliceSet(
            remote: remote, ports: mine.ports, standsBy: federationStandsBy(priority: settings.priority, others: others),
            settings: settings)
        return (view, set, ports.conflicts[mine.identity] ?? [])
    }

    private var failingOpenWarning: ServiceEventWarning {
        ServiceEventWarning(
            reason: "RemoteNodesFailingProbes",
            message: "every remote node of this service fails its health probes; they stay ready endpoints "
                + "(fail open), as the fault may be on this side: check firewalls and NetworkPolicies between the "
                + "clusters (barrelman check)")
    }

    private func noteFailingOpen(_ key: ObjectKey, _ isFailingOpen: Bool) {
        let count = failingOpen.withLock { set -> Int? in
            let changed = isFailingOpen ? set.insert(key).inserted : set.remove(key) != nil
            return changed ? set.count : nil
        }
        if let count { metrics.servicesFailingOpen(count) }
    }
}
