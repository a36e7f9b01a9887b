import AppSupport
import Controllers
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KubeAPI
import Logging
import Metrics
import Prometheus
import Providers
import Synchronization

/// Wires the command line into clusters, metrics, leader election and the controllers, and runs them
/// until the task is cancelled (a signal).
struct BarrelmanRunner {
    let command: BarrelmanCommand

    func run() async throws {
        let operations = command.operations
        LogSetup.bootstrap(format: operations.logFormat, verbosity: operations.verbosity)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = Logger(label: "barrelman")
        raiseOpenFileLimit()
        let transport = HTTPTransport(logger: logger)
        defer { transport.shutdown() }

        let local = command.local
        let inCluster = local.localKubeconfig.isEmpty
        let localConfig =
            inCluster
            ? try KubeconfigLoader.inCluster()
            : try KubeconfigLoader.load(path: local.localKubeconfig, context: local.localContext.isEmpty ? nil : local.localContext)
        for warning in localConfig.warnings { logger.warning("local cluster: \(warning)") }
        let environment = ProviderEnvironment(transport: transport, logger: logger)
        let clientOptions = KubeClientOptions(
            qps: operations.kubeAPIQPS ?? 50, burst: operations.kubeAPIBurst,
            // An explicit -kube-api-qps is the operator's decision and always applies.
            yieldsToPriorityAndFairness: operations.kubeAPIQPS == nil,
            userAgent: "barrelman/\(BarrelmanCommand.version)", observer: RequestMetrics())
        let localClient = KubeClient(config: localConfig, options: clientOptions, transport: transport, logger: logger)
        let leaderElect = operations.leaderElect.flatMap(GoBool.parse) ?? inCluster
        let leaseNamespace = operations.leaderElectNamespace ?? localConfig.defaultNamespace

        if let file = command.remote.remoteConfig {
            let fleet = FleetRunner(
                command: command, file: file, localClient: localClient, localConfig: localConfig,
                clientOptions: clientOptions, environment: environment, transport: transport,
                leaseNamespace: leaderElect ? leaseNamespace : nil, registry: registry, logger: logger)
            try await fleet.run()
            return
        }

        let provider = try ProviderRegistry.standard.makeProvider(flags: command.providerFlags, environment: environment)
        let remoteConfig = try await provider.resolve()
        let remoteClient = KubeClient(config: remoteConfig, options: clientOptions, transport: transport, logger: logger)

        var settings = try command.resolvedSettings()
        // The resolved name: a kubeconfig without -remote-context names its current context, not "current-context".
        settings.remoteClusterName = remoteConfig.displayName
        if settings.remoteClusterID.isEmpty { settings.remoteClusterID = provider.clusterIdentity(for: remoteConfig) }
        let options = try command.barrelmanOptions(settings: settings)
        let barrelman = Barrelman(local: localClient, remote: remoteClient, options: options, logger: logger)

        let elector: LeaderElector? =
            leaderElect
            ? LeaderElector(
                client: localClient,
                config: LeaderElectionConfig(
                    leaseNamespace: leaseNamespace, leaseName: settings.leaseName,
                    identity: LeaderElectionConfig.defaultIdentity()),
                logger: logger)
            : nil

        let status = StatusServer(
            probes: .init(
                metrics: { registry.emitToBuffer() },
                ready: {
                    if let elector, !elector.isLeader { return (true, "standby") }
                    return barrelman.hasSynced ? (true, "ok") : (false, "caches not synced")
                }))
        let port = try await status.start(address: operations.listenAddress)
        logger.info(
            "barrelman \(BarrelmanCommand.version): local \(localConfig.server) (\(localConfig.displayName)), remote \(remoteConfig.server) via \(provider.name) (\(provider.displayName), identity \(settings.remoteClusterID)), endpoints mode \(settings.endpointsMode), status on :\(port)\(elector.map { ", lease \($0.config.leaseNamespace)/\($0.config.leaseName)" } ?? "")\(options.dryRun ? ", DRY RUN" : "")"
        )

        if let elector {
            await elector.run { await barrelman.run() }
        } else {
            await barrelman.run()
        }
        await status.stop()
        logger.info("barrelman stopped")
    }
}

extension BarrelmanCommand {
    /// How the controllers run for one remote with these settings: what the flags say beyond `settings`.
    func barrelmanOptions(settings: ControllerSettings) throws -> BarrelmanOptions {
        BarrelmanOptions(
            settings: settings, resyncPeriod: GoDuration.parse(controllers.resyncPeriod),
            serviceWorkers: controllers.scWorkers, endpointWorkers: controllers.necWorkers,
            dryRun: GoBool.parse(operations.dryRun) ?? false, reach: try reach.resolved(),
            nodeDialer: try nodeDialerFromEnvironment())
    }
}
