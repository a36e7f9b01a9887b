import KubeAPI
import Logging
import Synchronization

/// The local cluster as every remote's controllers share it: the caches of what barrelman manages there, the
/// Event recorder and the writer. One per process however many remotes it mirrors, so a fleet of remotes costs
/// one set of local caches.
public final class LocalCluster: Sendable {
    let client: KubeClient
    let services: Informer<Service>
    let endpoints: Informer<Endpoints>
    let slices: Informer<EndpointSlice>
    let recorder: EventRecorder
    let writer: LocalWriter
    /// Each remote's "controllers still have queued work": Events wait while any has.
    private let busyChecks = Mutex<[ObjectIdentifier: @Sendable () -> Bool]>([:])

    public init(
        client: KubeClient, resyncPeriod: Duration?, dryRun: Bool, logger: Logger = Logger(label: "barrelman")
    ) {
        self.client = client
        // Locally only what barrelman manages is watched: a big local cluster costs nothing.
        // Local objects are cached whole (updates send them back), but what they repeat is stored once.
        let shared = LocalObjectInterner()
        services = Informer(
            client: client, options: .barrelman(resyncPeriod: resyncPeriod, labelSelector: BarrelmanLabels.localServiceSelector),
            transform: { shared.intern($0) }, logger: logger)
        // Our endpoints are the same remote nodes for every service: cache one copy of each list and endpoint.
        let interner = EndpointInterner()
        endpoints = Informer(
            client: client, options: .barrelman(resyncPeriod: resyncPeriod, labelSelector: BarrelmanLabels.endpointsSelector),
            transform: { shared.intern(interner.intern($0)) }, logger: logger)
        slices = Informer(
            client: client,
            options: .barrelman(resyncPeriod: resyncPeriod, labelSelector: BarrelmanLabels.endpointSliceSelector),
            transform: { shared.intern(interner.intern($0)) }, logger: logger)
        interner.trackLiveLists(
            slices: { [slices] in slices.list().map(\.endpoints) },
            subsets: { [endpoints] in endpoints.list().map(\.subsets) })
        recorder = EventRecorder(client: client, dryRun: dryRun, logger: logger)
        writer = LocalWriter(client: client, recorder: recorder, dryRun: dryRun, logger: logger)
        recorder.deferWhile { [weak self] in self?.anyRemoteBusy ?? false }
    }

    /// Whether every local cache has its first full state.
    public var hasSynced: Bool { services.hasSynced && endpoints.hasSynced && slices.hasSynced }

    /// Events wait while `busy` says a remote's controllers have queued work (the data path first).
    func deferEvents(for owner: AnyObject, while busy: @escaping @Sendable () -> Bool) {
        busyChecks.withLock { $0[ObjectIdentifier(owner)] = busy }
    }

    private var anyRemoteBusy: Bool {
        busyChecks.withLock { Array($0.values) }.contains { $0() }
    }

    func stopDeferringEvents(for owner: AnyObject) {
        _ = busyChecks.withLock { $0.removeValue(forKey: ObjectIdentifier(owner)) }
    }

    /// Runs the local informers and the Event recorder until the task is cancelled.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.services.run() }
            group.addTask { await self.endpoints.run() }
            group.addTask { await self.slices.run() }
            group.addTask { await self.recorder.run() }
        }
    }
}

extension InformerOptions {
    /// What every barrelman informer uses.
    static func barrelman(resyncPeriod: Duration?, labelSelector: String? = nil) -> InformerOptions {
        var informer = InformerOptions()
        informer.labelSelector = labelSelector
        informer.resyncPeriod = resyncPeriod
        // client-go's 30 s cap would leave a mirror stale for up to half a minute after an outage ends;
        // barrelman has few informers, so retrying every 5 s at most costs the servers nothing.
        informer.backoffCap = .seconds(5)
        return informer
    }
}
