import AppSupport
import ArgumentParser
import Controllers
import KubeAPI
import Providers

/// `barrelman [flags]`: mirrors a remote cluster's NodePort services into the local cluster.
struct BarrelmanCommand: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "barrelman",
        abstract: "Keeps the services of a remote Kubernetes cluster reachable by name from a local cluster.",
        discussion: """
            The remote cluster is the one whose nodes and NodePort services are watched; the local cluster is where \
            barrelman creates selector-less services (labelled tfw.io/barrelman=managed-resource) whose endpoints are \
            the remote nodes' addresses at the remote node ports. Local services labelled tfw.io/barrelman=true get \
            such endpoints too. Remote services annotated tfw.io/barrelman=ignore are never mirrored.

            Flags take Go's forms: -flag value, -flag=value or --flag value; booleans as -flag or -flag=false.

            The original barrelman's example works unchanged:
              barrelman -v 3 -local-kubeconfig ~/.kube/config -local-context gke_project_zone_local \\
                -remote-project project -remote-cluster-name remote -resync-period 1m

            With kind (any cluster reachable through a kubeconfig):
              barrelman -local-kubeconfig local.yaml -remote-kubeconfig remote.yaml
            """,
        version: version,
        subcommands: [DemoCommand.self, CheckCommand.self])

    @OptionGroup(title: "Local cluster (where services and endpoints are managed)") var local: LocalClusterOptions
    @OptionGroup(title: "Remote cluster (whose nodes and services are watched)") var remote: RemoteClusterOptions
    @OptionGroup(title: "Controllers") var controllers: ControllerOptions
    @OptionGroup(title: "Node reachability (probes of the remote nodes)") var reach: ReachOptions
    @OptionGroup(title: "Operations") var operations: OperationOptions

    func validate() throws {
        _ = try resolvedSettings()
        _ = try reach.resolved()
        if let file = remote.remoteConfig {
            guard !file.isEmpty else { throw ValidationError("-remote-config: name the file") }
            let single = [
                remote.remoteProvider, remote.remoteKubeconfig, remote.remoteContext, remote.remoteProject,
                remote.remoteClusterName, remote.eksClusterName,
            ]
            guard single.allSatisfy({ $0 == nil }) else {
                throw ValidationError(
                    "-remote-config describes every remote: drop the single-remote flags (-remote-provider, -remote-kubeconfig, -remote-project, -eks-cluster-name, ...)")
            }
            do {
                _ = try RemoteConfigFile.load(path: file)
            } catch {
                throw ValidationError(error.message)
            }
        }
        guard GoDuration.parse(controllers.resyncPeriod) != nil else {
            throw ValidationError("-resync-period \(controllers.resyncPeriod): not a duration (use e.g. 90s, 1m, 2h)")
        }
        guard controllers.scWorkers > 0, controllers.necWorkers > 0 else {
            throw ValidationError("-sc-workers and -nec-workers must be at least 1")
        }
        guard ["text", "json"].contains(operations.logFormat) else {
            throw ValidationError("-log-format \(operations.logFormat): use text or json")
        }
        guard (operations.kubeAPIQPS ?? 0) >= 0, operations.kubeAPIBurst >= 1 else {
            throw ValidationError("-kube-api-qps must be >= 0 and -kube-api-burst >= 1")
        }
        for (name, value) in booleanFlags where GoBool.parse(value) == nil {
            throw ValidationError("-\(name) \(value): not a boolean (use true or false)")
        }
        if let elect = operations.leaderElect, GoBool.parse(elect) == nil {
            throw ValidationError("-leader-elect \(elect): not a boolean (use true or false)")
        }
        _ = try StatusServer.split(operations.listenAddress)
    }

    private var booleanFlags: [(String, String)] {
        [
            ("nodeportsvc", controllers.nodePortServices), ("mirror-loadbalancer", controllers.mirrorLoadBalancer),
            ("gke-use-private-endpoint", remote.gkeUsePrivateEndpoint), ("dry-run", operations.dryRun),
            ("require-export", controllers.requireExport), ("federate", controllers.federate),
        ]
    }

    /// The controllers' settings from the flags; throws a ValidationError naming the bad flag.
    func resolvedSettings() throws -> ControllerSettings {
        var settings = ControllerSettings()
        do {
            settings.ignoredNamespaces = try IgnoredNamespacesParser.apply(controllers.ignoreNamespace)
        } catch {
            throw ValidationError("-ignore-namespace: \(error)")
        }
        settings.allowedNamespaces = Set(controllers.namespace)
        settings.createNodePortServices = GoBool.parse(controllers.nodePortServices) ?? false
        settings.mirrorLoadBalancer = GoBool.parse(controllers.mirrorLoadBalancer) ?? true
        settings.requireExport = GoBool.parse(controllers.requireExport) ?? false
        settings.federate = GoBool.parse(controllers.federate) ?? false
        guard let mode = EndpointsMode.allCases.first(where: { $0.rawValue.lowercased() == controllers.endpointsMode.lowercased() })
        else {
            throw ValidationError("-endpoints-mode \(controllers.endpointsMode): use endpointslices, endpoints or both")
        }
        settings.endpointsMode = mode
        guard let addressType = NodeAddressType(rawValue: controllers.nodeAddressType) else {
            throw ValidationError("-node-address-type \(controllers.nodeAddressType): use InternalIP or ExternalIP")
        }
        settings.nodeAddressType = addressType
        guard (1...1000).contains(controllers.maxEndpointsPerSlice) else {
            throw ValidationError("-max-endpoints-per-slice \(controllers.maxEndpointsPerSlice): must be 1 to 1000")
        }
        settings.maxEndpointsPerSlice = controllers.maxEndpointsPerSlice
        guard controllers.nodesPerService >= 0 else {
            throw ValidationError("-nodes-per-service \(controllers.nodesPerService): must be 0 (every node) or more")
        }
        settings.nodesPerService = controllers.nodesPerService
        if let id = controllers.remoteClusterID {
            guard !id.isEmpty, !id.contains(where: \.isWhitespace) else {
                throw ValidationError("-remote-cluster-id \"\(id)\": must be non-empty and without spaces")
            }
            settings.remoteClusterID = id
        }
        return settings
    }

    var providerFlags: ProviderFlags {
        var flags = ProviderFlags()
        flags.remoteProvider = remote.remoteProvider
        flags.remoteKubeconfig = remote.remoteKubeconfig
        flags.remoteContext = remote.remoteContext
        flags.remoteProject = remote.remoteProject
        flags.remoteZone = remote.remoteZone
        flags.remoteClusterName = remote.remoteClusterName
        flags.remoteCredentials = remote.remoteCredentials
        flags.gkeAPIEndpoint = remote.gkeAPIEndpoint
        flags.gkeUsePrivateEndpoint = GoBool.parse(remote.gkeUsePrivateEndpoint) ?? false
        flags.eksClusterName = remote.eksClusterName
        flags.eksRegion = remote.eksRegion
        flags.eksRoleARN = remote.eksRoleARN
        flags.eksAPIEndpoint = remote.eksAPIEndpoint
        flags.stsEndpoint = remote.stsEndpoint
        return flags
    }

    func run() async throws {
        try await BarrelmanRunner(command: self).run()
    }
}

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Runs barrelman between two in-process test clusters and shows what it mirrors.")

    @Flag(name: goFlag("exit-after-script"), help: "Stop after the scripted changes instead of running until Ctrl-C.")
    var exitAfterScript = false

    @Option(name: [.customShort("v"), .customLong("v")], help: "Log verbosity.")
    var verbosity: Int = 0

    func run() async throws {
        // The narrator tells what happens; logs only add to it when asked for with -v.
        LogSetup.bootstrap(format: "text", verbosity: verbosity, quiet: verbosity == 0)
        var script = DemoScript()
        script.exitAfterScript = exitAfterScript
        try await script.run()
    }
}
