import KubeAPI
import Logging

/// One remote cluster mirrored into the shared local cluster: the remote's informers, the two controllers, the
/// node prober. Its settings (identity, scope, subsets, export rule) are its own; what it writes carries its
/// identity, so several mirrors in one process keep to their own objects exactly as separate instances do.
public final class RemoteMirror: Sendable {
    let local: LocalCluster
    let remoteServices: Informer<Service>
    let remoteNodes: Informer<NodeSummary>
    /// Projected: which nodes run the pods of each remote service (for `externalTrafficPolicy: Local`). Started
    /// only once a mirrored remote service needs it, so a remote without such services costs nothing for it.
    let remoteSlices: Informer<EndpointSliceSummary>
    private let remoteSlicesNeeded: AsyncStream<Void>
    private let remoteSlicesNeededTrigger: AsyncStream<Void>.Continuation
    public let serviceController: ServiceController
    public let nodeEndpointController: NodeEndpointController
    /// nil with `-node-health-check off`.
    let prober: NodeProber?
    private let localHandlers: LocalHandlerRegistrations
    let options: BarrelmanOptions
    let logger: Logger

    public init(
        remote: KubeClient, local: LocalCluster, options: BarrelmanOptions, metrics: ControllerMetrics = ControllerMetrics(),
        logger: Logger = Logger(label: "barrelman")
    ) {
        self.local = local
        let informerOptions = InformerOptions.barrelman(resyncPeriod: options.resyncPeriod)
        // Only what the controllers read of each remote service is cached (`remoteServiceProjection`).
        remoteServices = Informer(
            client: remote, options: informerOptions, transform: remoteServiceProjection, logger: logger)
        // A node is ~12 KB of JSON: where the server does not stream lists, a page of client-go's 500 is a 6 MB
        // body and its JSON tree held at once (~30 MiB more at the peak than pages of 100, BENCHMARKS.md).
        var nodeOptions = informerOptions
        nodeOptions.pageSize = 100
        remoteNodes = Informer(client: remote, options: nodeOptions, logger: logger)
        remoteSlices = Informer(client: remote, options: informerOptions, logger: logger)
        (remoteSlicesNeeded, remoteSlicesNeededTrigger) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))

        let conflicts = OwnershipConflicts(recorder: local.recorder, metrics: metrics, logger: logger)
        serviceController = ServiceController(
            remoteServices: remoteServices, localServices: local.services, localSlices: local.slices, writer: local.writer,
            conflicts: conflicts,
            settings: options.settings, metrics: metrics, logger: logger)
        nodeEndpointController = NodeEndpointController(
            remoteNodes: remoteNodes, remoteServices: remoteServices, remoteSlices: remoteSlices,
            localServices: local.services, localEndpoints: local.endpoints, localSlices: local.slices,
            writer: local.writer, conflicts: conflicts, settings: options.settings, metrics: metrics, logger: logger)
        prober =
            options.reach.mode == .off
            ? nil
            : NodeProber(
                settings: options.reach,
                client: NodeProbeClient(
                    dialer: options.nodeDialer, timeout: options.reach.timeout,
                    maxConcurrent: options.reach.maxConcurrentProbes),
                recorder: local.recorder, metrics: metrics, logger: logger)
        self.options = options
        self.logger = logger
        var handlers = serviceController.registerHandlers()
        handlers.add(nodeEndpointController.registerHandlers())
        localHandlers = handlers
        remoteServices.addHandler { [remoteSlicesNeededTrigger, settings = options.settings, logger] event in
            if case .deleted = event { return }
            let service = event.object
            guard routesToLocalEndpointsOnly(service), remoteServiceQualifies(service, settings: settings) else { return }
            if case .enqueued = remoteSlicesNeededTrigger.yield(()) {
                logger.info("watching the remote EndpointSlices: \(service.key) has externalTrafficPolicy: Local")
            }
            remoteSlicesNeededTrigger.finish()
        }
    }

    /// Whether the remote caches have their first full state.
    public var hasSynced: Bool { remoteServices.hasSynced && remoteNodes.hasSynced }

    /// Counts for the startup summary.
    public var remoteNodeCount: Int { remoteNodes.keys.count }
    public var remoteServiceCount: Int { remoteServices.keys.count }

    /// Runs the remote informers, the controllers and the prober until the task is cancelled; then takes its
    /// handlers off the shared local informers. The local cluster must run meanwhile.
    public func run() async {
        local.deferEvents(for: self) { [serviceController, nodeEndpointController] in
            serviceController.loop.hasQueuedWork || nodeEndpointController.loop.hasQueuedWork
        }
        await withDiscardingTaskGroup { group in
            group.addTask { await self.remoteServices.run() }
            group.addTask { await self.remoteNodes.run() }
            group.addTask {
                var needed = self.remoteSlicesNeeded.makeAsyncIterator()
                guard await needed.next() != nil else { return }
                await self.remoteSlices.run()
            }
            group.addTask { await self.serviceController.run(workers: self.options.serviceWorkers) }
            group.addTask { await self.nodeEndpointController.run(workers: self.options.endpointWorkers) }
            if let prober = self.prober {
                group.addTask { [nodeEndpointController] in
                    await prober.run(
                        inputs: nodeEndpointController.probeInputs, onChange: nodeEndpointController.reachabilityChanged)
                }
            }
            group.addTask {
                guard await self.remoteNodes.waitUntilSynced(), await self.remoteServices.waitUntilSynced() else { return }
                self.logger.info(
                    "remote cluster synced: \(self.remoteNodeCount) nodes, \(self.remoteServiceCount) services")
            }
        }
        localHandlers.removeAll()
        local.stopDeferringEvents(for: self)
    }
}
