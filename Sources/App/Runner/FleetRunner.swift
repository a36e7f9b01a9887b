import AppSupport
import Controllers
import KubeAPI
import Logging
import Prometheus
import Providers

/// `-remote-config FILE`: many remotes in one process over one set of local caches, each with its own
/// provider, identity, Lease and informers; the file is re-read when it changes.
struct FleetRunner {
    let command: BarrelmanCommand
    let file: String
    let localClient: KubeClient
    let localConfig: ClusterConfig
    let clientOptions: KubeClientOptions
    let environment: ProviderEnvironment
    let transport: HTTPTransport
    /// Where each remote's Lease lives; nil without leader election.
    let leaseNamespace: String?
    let registry: PrometheusCollectorRegistry
    let logger: Logger
    /// This replica's name in every remote's Lease and in its heartbeat: one per process, so replicas can tell
    /// who leads what.
    let identity = LeaderElectionConfig.defaultIdentity()

    func run() async throws {
        // A bad file or a bad remote in it refuses to start; on reload the last good configuration stays.
        let specs = try RemoteConfigFile.load(path: file)
        let baseSettings = try command.resolvedSettings()
        let initial = try members(specs, base: baseSettings)
        let options = try command.barrelmanOptions(settings: baseSettings)
        // With leader election the replicas share the remotes, each leading about its fair share.
        let sharding = leaseNamespace.map { ShardingConfig(leaseNamespace: $0, identity: identity) }
        let fleet = RemoteFleet<RemoteSpec>(
            local: LocalCluster(
                client: localClient, resyncPeriod: options.resyncPeriod, dryRun: options.dryRun, logger: logger),
            sharding: sharding, logger: logger)
        let status = StatusServer(
            probes: .init(
                metrics: { registry.emitToBuffer() },
                ready: { fleet.hasSynced ? (true, "ok; " + Self.describe(fleet.share)) : (false, "caches not synced") }))
        let port = try await status.start(address: command.operations.listenAddress)
        logger.info(
            "barrelman \(BarrelmanCommand.version): local \(localConfig.server) (\(localConfig.displayName)), \(specs.count) remotes from \(file) (\(specs.map(\.name).joined(separator: ", "))), status on :\(port)\(leaseNamespace.map { ", leases in \($0)" } ?? "")"
        )
        await fleet.apply(initial)
        let reloads = Task {
            for await reading in RemoteConfigWatcher(path: file).readings() {
                switch reading {
                case .loaded(let specs):
                    do {
                        await fleet.apply(try members(specs, base: baseSettings))
                    } catch {
                        logger.warning("\(error); keeping the last good configuration")
                    }
                case .rejected(let error):
                    logger.warning("\(error.message); keeping the last good configuration")
                }
            }
        }
        await fleet.run()
        reloads.cancel()
        await status.stop()
        logger.info("barrelman stopped")
    }

    /// `leading 2 of 6 remotes (share 2 over 3 replicas): east, west`, for /readyz.
    static func describe(_ share: RemoteFleet<RemoteSpec>.Share) -> String {
        "leading \(share.leading.count) of \(share.remotes) remotes (share \(share.share) over \(share.liveReplicas) replicas)"
            + (share.leading.isEmpty ? "" : ": " + share.leading.joined(separator: ", "))
    }

    /// The fleet's members for `specs`; throws one line naming the remote when its provider cannot be built
    /// (a missing kubeconfig, a malformed key): what can be checked without the network.
    private func members(_ specs: [RemoteSpec], base: ControllerSettings) throws -> [RemoteFleet<RemoteSpec>.Member] {
        try specs.map { spec in
            let provider: any RemoteClusterProvider
            do {
                provider = try ProviderRegistry.standard.makeProvider(flags: spec.providerFlags, environment: environment)
            } catch {
                throw RemoteConfigError("remote-config \(file): remote \(spec.name): \(error)")
            }
            let options = try command.barrelmanOptions(settings: spec.settings(over: base))
            let (clientOptions, transport, logger, leaseNamespace, identity) = (
                clientOptions, transport, logger, leaseNamespace, identity
            )
            return RemoteFleet.Member(name: spec.name, configuration: spec) {
                let remoteConfig = try await provider.resolve()
                var options = options
                if options.settings.remoteClusterID.isEmpty {
                    options.settings.remoteClusterID = provider.clusterIdentity(for: remoteConfig)
                }
                let lease = leaseNamespace.map {
                    LeaderElectionConfig(
                        leaseNamespace: $0, leaseName: options.settings.leaseName, identity: identity)
                }
                logger.info(
                    "remote \(spec.name): \(remoteConfig.server) via \(provider.name), identity \(options.settings.remoteClusterID)\(lease.map { ", lease \($0.leaseName)" } ?? "")")
                return RemoteFleet.Resolved(
                    remote: KubeClient(config: remoteConfig, options: clientOptions, transport: transport, logger: logger),
                    options: options, lease: lease)
            }
        }
    }
}
