import KubeAPI
import Logging
import Synchronization

/// Many remotes mirrored by one process (`-remote-config`) over one shared `LocalCluster`.
///
/// Each member runs on its own: its provider is resolved (and retried, logging, while it fails), it leads under
/// a Lease of its own when leader election is on, and its `RemoteMirror` runs while it leads. A member that
/// cannot be reached affects only itself. `apply` takes the whole new configuration: members that are new start,
/// members that are gone stop (their Lease released, their informers and handlers gone; nothing is deleted, so
/// their mirrors stay until their remote services go or another configuration serves them), and members whose
/// configuration changed restart.
///
/// With `sharding`, the replicas of one Deployment share the remotes: every replica is a candidate for every
/// remote's Lease, but one that leads its `FairShare` stops competing, and one above it releases a remote at a
/// time. The Leases alone keep two replicas from leading one remote.
public final class RemoteFleet<Configuration: Hashable & Sendable>: Sendable {
    /// One remote as the fleet runs it.
    public struct Member: Sendable {
        /// Unique in the configuration: logs and the order of start-up.
        public var name: String
        /// What makes two configurations of the member the same (a restart happens only when it differs).
        public var configuration: Configuration
        /// Reaches the remote: a client, the mirror's options, and the Lease to hold (nil: no election).
        public var resolve: @Sendable () async throws -> Resolved

        public init(
            name: String, configuration: Configuration, resolve: @escaping @Sendable () async throws -> Resolved
        ) {
            self.name = name
            self.configuration = configuration
            self.resolve = resolve
        }
    }

    public struct Resolved: Sendable {
        public var remote: KubeClient
        public var options: BarrelmanOptions
        public var lease: LeaderElectionConfig?

        public init(remote: KubeClient, options: BarrelmanOptions, lease: LeaderElectionConfig?) {
            self.remote = remote
            self.options = options
            self.lease = lease
        }
    }

    public let local: LocalCluster
    /// The fleet's own gauges (which remotes this replica leads); each mirror has its own, labelled by remote.
    private let metrics: ControllerMetrics
    private let logger: Logger
    private let running = Mutex<[String: RunningBox<Configuration>]>([:])
    /// How long a member waits before resolving its remote again after a failure.
    private let retryDelay: Duration
    public let sharding: ShardingConfig?
    /// Live replicas by the heartbeats, this one included; nil until the first count was tried.
    private let liveReplicas = Mutex<Int?>(nil)
    /// The remote being released now, and the task releasing it (the last one started).
    private let steppingDown = Mutex<String?>(nil)
    private let stepDowns = Mutex<Task<Void, Never>?>(nil)

    public init(
        local: LocalCluster, metrics: ControllerMetrics = ControllerMetrics(), retryDelay: Duration = .seconds(10),
        sharding: ShardingConfig? = nil, logger: Logger = Logger(label: "barrelman")
    ) {
        self.local = local
        self.metrics = metrics
        self.retryDelay = retryDelay
        self.sharding = sharding
        self.logger = logger
    }

    /// The members running now, by name.
    public var memberNames: [String] { running.withLock { $0.keys.sorted() } }

    /// The members whose mirror runs now (they lead, or run without election), by name.
    public var leadingRemotes: [String] {
        running.withLock { $0.filter { $0.value.mirror.withLock { $0 != nil } }.keys.sorted() }
    }

    /// What this replica leads against what it should: for `/readyz` and the logs.
    public struct Share: Sendable, Equatable {
        public var leading: [String]
        public var remotes: Int
        /// Live replicas by the heartbeats; 1 without sharding.
        public var liveReplicas: Int
        public var share: Int { FairShare.share(remotes: remotes, liveReplicas: liveReplicas) }
    }

    public var share: Share {
        Share(
            leading: leadingRemotes, remotes: running.withLock { $0.count },
            liveReplicas: liveReplicas.withLock { $0 } ?? 1)
    }

    /// Whether the local caches and every member that runs its mirror (leads) have their first full state.
    public var hasSynced: Bool {
        local.hasSynced && running.withLock { Array($0.values) }.allSatisfy { $0.mirror.withLock { $0?.hasSynced ?? true } }
    }

    /// Makes the running members those of `members`.
    public func apply(_ members: [Member]) async {
        let wanted = Dictionary(members.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let stopping = running.withLock { running -> [(String, RunningBox<Configuration>)] in
            let gone = running.filter { name, box in wanted[name]?.configuration != box.configuration }
            for name in gone.keys { running[name] = nil }
            return gone.map { ($0.key, $0.value) }
        }
        for (name, box) in stopping {
            logger.info("remote \(name): stopping (\(wanted[name] == nil ? "removed from" : "changed in") the configuration)")
            let task = box.task
            task?.cancel()
            await task?.value
            if wanted[name] == nil { metrics.leadingRemote(name, false) }
        }
        if !stopping.isEmpty { metrics.leadingRemotes(leadingRemotes.count) }
        for member in members.sorted(by: { $0.name < $1.name }) {
            let box = running.withLock { running -> RunningBox<Configuration>? in
                guard running[member.name] == nil else { return nil }
                let box = RunningBox(configuration: member.configuration)
                running[member.name] = box
                return box
            }
            guard let box else { continue }
            logger.info("remote \(member.name): starting")
            box.task = Task { await self.run(member, box: box) }
        }
    }

    /// Runs the local caches (and, when sharding, the heartbeat and the share) until cancelled, then stops
    /// every member.
    public func run() async {
        let balancing = sharding.map { config in Task { await self.balance(config) } }
        await withTaskCancellationHandler {
            await local.run()
        } onCancel: {
            balancing?.cancel()
        }
        balancing?.cancel()
        await balancing?.value
        await apply([])
        if let sharding, sharding.releaseOnCancel {
            // A fresh task: the cancelled one would cancel the request too.
            await Task { await ReplicaHeartbeat(client: self.local.client, config: sharding).stop() }.value
        }
    }

    /// Whether a member not leading should campaign: always without sharding; with it, only below the share,
    /// and not before the live replicas were first counted (a replica starting among others would take all).
    private func shouldCompete() -> Bool {
        guard sharding != nil else { return true }
        guard let live = liveReplicas.withLock({ $0 }) else { return false }
        let (leading, remotes) = running.withLock { running in
            (running.values.filter { $0.mirror.withLock { $0 != nil } }.count, running.count)
        }
        return FairShare.decision(leading: leading, liveReplicas: live, remotes: remotes) == .compete
    }

    /// Renews this replica's heartbeat, counts the live replicas and, above the share, hands one remote over;
    /// every `renewPeriod` until cancelled.
    private func balance(_ config: ShardingConfig) async {
        let heartbeat = ReplicaHeartbeat(client: local.client, config: config)
        var failing = false
        while !Task.isCancelled {
            var live: Int?
            do {
                let group = ReplicaHeartbeat.group(remotes: memberNames)
                try await heartbeat.beat(group: group)
                live = try await heartbeat.liveReplicas(group: group)
                if failing { logger.info("replica heartbeat \(config.leaseNamespace)/\(heartbeat.leaseName) renewed again") }
                failing = false
            } catch {
                if Task.isCancelled { break }
                // Counting itself alone, it competes for every remote: the Leases still keep leaders apart.
                if !failing { logger.warning("replica heartbeat \(config.leaseNamespace)/\(heartbeat.leaseName): \(error); counting this replica alone") }
                failing = true
            }
            liveReplicas.withLock { $0 = live ?? $0 ?? 1 }
            let share = self.share
            if FairShare.decision(leading: share.leading.count, liveReplicas: share.liveReplicas, remotes: share.remotes)
                == .releaseOne, let name = share.leading.last, steppingDown.withLock({ $0 }) == nil
            {
                logger.info(
                    "leading \(share.leading.count) of \(share.remotes) remotes, share \(share.share) over \(share.liveReplicas) replicas: releasing \(name)")
                // Apart from the loop, so a slow release never delays the heartbeat; one at a time.
                steppingDown.withLock { $0 = name }
                stepDowns.withLock {
                    $0 = Task {
                        await self.stepDown(name)
                        self.steppingDown.withLock { $0 = nil }
                    }
                }
            }
            do {
                try await Task.sleep(for: config.renewPeriod)
            } catch {
                break
            }
        }
        await stepDowns.withLock({ $0 })?.value
    }

    /// Stops `name` leading and releases its Lease; its member campaigns again, as a candidate below the share.
    private func stepDown(_ name: String) async {
        guard let election = running.withLock({ $0[name] })?.election.withLock({ $0 }) else { return }
        election.elector.releaseWhenStopped()
        election.task.cancel()
        await election.task.value
    }

    private func publishLeading(_ name: String, _ leading: Bool) {
        metrics.leadingRemote(name, leading)
        metrics.leadingRemotes(leadingRemotes.count)
    }

    private func run(_ member: Member, box: RunningBox<Configuration>) async {
        var resolved: Resolved?
        while !Task.isCancelled, resolved == nil {
            do {
                resolved = try await member.resolve()
            } catch {
                logger.warning("remote \(member.name): \(error); retrying in \(retryDelay)")
                try? await Task.sleep(for: retryDelay)
            }
        }
        guard let resolved, !Task.isCancelled else { return }
        let logger = logger.withMetadata(["remote": "\(member.name)"])
        // A mirror per term of leadership: a mirror's run takes its handlers off the local informers as it ends,
        // so it cannot run twice.
        let lead: @Sendable () async -> Void = {
            let mirror = RemoteMirror(
                remote: resolved.remote, local: self.local, options: resolved.options,
                metrics: ControllerMetrics(remote: member.name), logger: logger)
            box.mirror.withLock { $0 = mirror }
            self.publishLeading(member.name, true)
            await mirror.run()
            box.mirror.withLock { $0 = nil }
            self.publishLeading(member.name, false)
        }
        guard let lease = resolved.lease else {
            await lead()
            return
        }
        // Each pass is one elector; a step-down (`stepDown`) ends it, and the member campaigns again.
        while !Task.isCancelled {
            let elector = LeaderElector(
                client: local.client, config: lease, logger: logger, shouldCompete: { self.shouldCompete() })
            let task = Task { await elector.run(lead: lead) }
            box.election.withLock { $0 = (elector, task) }
            await withTaskCancellationHandler {
                await task.value
            } onCancel: {
                task.cancel()
            }
            box.election.withLock { $0 = nil }
        }
    }
}

/// A running member's task, its election, and while it leads, its mirror.
private final class RunningBox<Configuration: Hashable & Sendable>: Sendable {
    let configuration: Configuration
    private let taskSlot = Mutex<Task<Void, Never>?>(nil)
    let mirror = Mutex<RemoteMirror?>(nil)
    /// The member's current elector and the task running it, while it elects.
    let election = Mutex<(elector: LeaderElector, task: Task<Void, Never>)?>(nil)

    init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Set once, right after the member's task is created.
    var task: Task<Void, Never>? {
        get { taskSlot.withLock { $0 } }
        set { taskSlot.withLock { $0 = newValue } }
    }
}

extension Logger {
    fileprivate func withMetadata(_ metadata: Logger.Metadata) -> Logger {
        var logger = self
        for (key, value) in metadata { logger[metadataKey: key] = value }
        return logger
    }
}
