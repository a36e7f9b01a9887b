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

/// One remote mirrored into one local cluster: the shared local caches and the remote's mirror, run together.
/// What a single-remote leader runs (the seed's command line); `RemoteFleet` runs many remotes over one
/// `LocalCluster`.
public final class Barrelman: Sendable {
    public let local: LocalCluster
    public let mirror: RemoteMirror

    public init(
        local: KubeClient, remote: KubeClient, options: BarrelmanOptions, metrics: ControllerMetrics = ControllerMetrics(),
        logger: Logger = Logger(label: "barrelman")
    ) {
        self.local = LocalCluster(
            client: local, resyncPeriod: options.resyncPeriod, dryRun: options.dryRun, logger: logger)
        mirror = RemoteMirror(remote: remote, local: self.local, options: options, metrics: metrics, logger: logger)
    }

    public var serviceController: ServiceController { mirror.serviceController }
    public var nodeEndpointController: NodeEndpointController { mirror.nodeEndpointController }

    /// Whether every cache has its first full state.
    public var hasSynced: Bool { mirror.hasSynced && local.hasSynced }

    /// Counts for the startup summary.
    public var remoteNodeCount: Int { mirror.remoteNodeCount }
    public var remoteServiceCount: Int { mirror.remoteServiceCount }

    /// Runs informers and controllers until the task is cancelled.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.local.run() }
            group.addTask { await self.mirror.run() }
        }
    }
}
