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
    private let logger: Logger
    private let running = Mutex<[String: RunningBox<Configuration>]>([:])
    /// How long a member waits before resolving its remote again after a failure.
    private let retryDelay: Duration

    public init(
        local: LocalCluster, retryDelay: Duration = .seconds(10),
        logger: Logger = Logger(label: "barrelman")
    ) {
        self.local = local
        self.retryDelay = retryDelay
        self.logger = logger
    }

    /// The members running now, by name.
    public var memberNames: [String] { running.withLock { $0.keys.sorted() } }

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
        }
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

    /// Runs the local caches until cancelled, then stops every member.
    public func run() async {
        await local.run()
        await apply([])
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
        let mirror = RemoteMirror(
            remote: resolved.remote, local: local, options: resolved.options,
            metrics: ControllerMetrics(remote: member.name),
            logger: logger.withMetadata(["remote": "\(member.name)"]))
        let lead: @Sendable () async -> Void = {
            box.mirror.withLock { $0 = mirror }
            await mirror.run()
            box.mirror.withLock { $0 = nil }
        }
        if let lease = resolved.lease {
            await LeaderElector(client: local.client, config: lease, logger: logger).run(lead: lead)
        } else {
            await lead()
        }
    }
}

/// A running member's task and, while it leads, its mirror.
private final class RunningBox<Configuration: Hashable & Sendable>: Sendable {
    let configuration: Configuration
    private let taskSlot = Mutex<Task<Void, Never>?>(nil)
    let mirror = Mutex<RemoteMirror?>(nil)

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
