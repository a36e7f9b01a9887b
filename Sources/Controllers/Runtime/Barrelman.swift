import KubeAPI
import Logging

/// How the controllers run, beyond the decisions in `ControllerSettings`.
public struct BarrelmanOptions: Sendable {
    public var settings: ControllerSettings
    /// How often every cached object is processed again (`-resync-period`), without API calls.
    public var resyncPeriod: Duration?
    /// `-sc-workers` and `-nec-workers`.
    public var serviceWorkers: Int
    public var endpointWorkers: Int
    /// Log every write instead of making it (`-dry-run`).
    public var dryRun: Bool
    /// How remote nodes are probed (`-node-health-*`).
    public var reach: ReachSettings
    /// Where probes connect: the nodes themselves in production; loopback listeners in tests, the demo and
    /// the benchmarks, which must never dial a (fake) node address.
    public var nodeDialer: any NodeDialer

    public init(
        settings: ControllerSettings, resyncPeriod: Duration? = .seconds(7200), serviceWorkers: Int = 2,
        endpointWorkers: Int = 4, dryRun: Bool = false, reach: ReachSettings = ReachSettings(),
        nodeDialer: any NodeDialer = DirectNodeDialer()
    ) {
        self.reach = reach
        self.nodeDialer = nodeDialer
        self.settings = settings
        self.resyncPeriod = resyncPeriod
        self.serviceWorkers = serviceWorkers
        self.endpointWorkers = endpointWorkers
        self.dryRun = dryRun
    }
}

/// The informers of both clusters and the two controllers on top of them: what a leader runs.
public final class Barrelman: Sendable {
    let remoteServices: Informer<Service>
    let remoteNodes: Informer<NodeSummary>
    /// Projected: which nodes run the pods of each remote service (for `externalTrafficPolicy: Local`). Started
    /// only once a mirrored remote service needs it, so a remote without such services costs nothing for it.
    let remoteSlices: Informer<EndpointSliceSummary>
    private let remoteSlicesNeeded: AsyncStream<Void>
    private let remoteSlicesNeededTrigger: AsyncStream<Void>.Continuation
    let localServices: Informer<Service>
    let localEndpoints: Informer<Endpoints>
    let localSlices: Informer<EndpointSlice>
    public let serviceController: ServiceController
    public let nodeEndpointController: NodeEndpointController
    /// nil with `-node-health-check off`.
    let prober: NodeProber?
    let recorder: EventRecorder
    let options: BarrelmanOptions
    let logger: Logger

    public init(
        local: KubeClient, remote: KubeClient, options: BarrelmanOptions, metrics: ControllerMetrics = ControllerMetrics(),
        logger: Logger = Logger(label: "barrelman")
    ) {
        func informerOptions(labelSelector: String? = nil) -> InformerOptions {
            var informer = InformerOptions()
            informer.labelSelector = labelSelector
            informer.resyncPeriod = options.resyncPeriod
            // client-go's 30 s cap would leave a mirror stale for up to half a minute after an outage ends;
            // barrelman has five informers, so retrying every 5 s at most costs the servers nothing.
            informer.backoffCap = .seconds(5)
            return informer
        }
        // Only what the controllers read of each remote service is cached (`remoteServiceProjection`).
        remoteServices = Informer(
            client: remote, options: informerOptions(), transform: remoteServiceProjection, logger: logger)
        // A node is ~12 KB of JSON: where the server does not stream lists, a page of client-go's 500 is a 6 MB
        // body and its JSON tree held at once (~30 MiB more at the peak than pages of 100, BENCHMARKS.md).
        var nodeOptions = informerOptions()
        nodeOptions.pageSize = 100
        remoteNodes = Informer(client: remote, options: nodeOptions, logger: logger)
        remoteSlices = Informer(client: remote, options: informerOptions(), logger: logger)
        (remoteSlicesNeeded, remoteSlicesNeededTrigger) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        // Locally only what barrelman manages is watched: a big local cluster costs nothing.
        // Local objects are cached whole (updates send them back), but what they repeat is stored once.
        let shared = LocalObjectInterner()
        localServices = Informer(
            client: local, options: informerOptions(labelSelector: BarrelmanLabels.localServiceSelector),
            transform: { shared.intern($0) }, logger: logger)
        // Our endpoints are the same remote nodes for every service: cache one copy of each list and endpoint.
        let interner = EndpointInterner()
        localEndpoints = Informer(
            client: local, options: informerOptions(labelSelector: BarrelmanLabels.endpointsSelector),
            transform: { shared.intern(interner.intern($0)) }, logger: logger)
        localSlices = Informer(
            client: local, options: informerOptions(labelSelector: BarrelmanLabels.endpointSliceSelector),
            transform: { shared.intern(interner.intern($0)) }, logger: logger)
        interner.trackLiveLists(
            slices: { [localSlices] in localSlices.list().map(\.endpoints) },
            subsets: { [localEndpoints] in localEndpoints.list().map(\.subsets) })

        recorder = EventRecorder(client: local, dryRun: options.dryRun, logger: logger)
        let writer = LocalWriter(client: local, recorder: recorder, dryRun: options.dryRun, logger: logger)
        let conflicts = OwnershipConflicts(recorder: recorder, metrics: metrics, logger: logger)
        serviceController = ServiceController(
            remoteServices: remoteServices, localServices: localServices, writer: writer, conflicts: conflicts,
            settings: options.settings, metrics: metrics, logger: logger)
        nodeEndpointController = NodeEndpointController(
            remoteNodes: remoteNodes, remoteServices: remoteServices, remoteSlices: remoteSlices,
            localServices: localServices, localEndpoints: localEndpoints, localSlices: localSlices, writer: writer,
            conflicts: conflicts, settings: options.settings, metrics: metrics, logger: logger)
        prober =
            options.reach.mode == .off
            ? nil
            : NodeProber(
                settings: options.reach,
                client: NodeProbeClient(dialer: options.nodeDialer, timeout: options.reach.timeout),
                recorder: recorder, metrics: metrics, logger: logger)
        self.options = options
        self.logger = logger
        serviceController.registerHandlers()
        nodeEndpointController.registerHandlers()
        remoteServices.addHandler { [remoteSlicesNeededTrigger, settings = options.settings, logger] event in
            if case .deleted = event { return }
            let service = event.object
            guard routesToLocalEndpointsOnly(service), remoteServiceQualifies(service, settings: settings) else { return }
            if case .enqueued = remoteSlicesNeededTrigger.yield(()) {
                logger.info("watching the remote EndpointSlices: \(service.key) has externalTrafficPolicy: Local")
            }
            remoteSlicesNeededTrigger.finish()
        }
        recorder.deferWhile { [serviceController, nodeEndpointController] in
            serviceController.loop.hasQueuedWork || nodeEndpointController.loop.hasQueuedWork
        }
    }

    /// Whether every cache has its first full state.
    public var hasSynced: Bool {
        remoteServices.hasSynced && remoteNodes.hasSynced && localServices.hasSynced && localEndpoints.hasSynced
            && localSlices.hasSynced
    }

    /// Counts for the startup summary.
    public var remoteNodeCount: Int { remoteNodes.keys.count }
    public var remoteServiceCount: Int { remoteServices.keys.count }

    /// Runs informers and controllers until the task is cancelled.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.remoteServices.run() }
            group.addTask { await self.remoteNodes.run() }
            group.addTask {
                var needed = self.remoteSlicesNeeded.makeAsyncIterator()
                guard await needed.next() != nil else { return }
                await self.remoteSlices.run()
            }
            group.addTask { await self.localServices.run() }
            group.addTask { await self.localEndpoints.run() }
            group.addTask { await self.localSlices.run() }
            group.addTask { await self.recorder.run() }
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
    }
}
