import AppSupport
import Controllers
import KubeAPI
import Logging
import Providers

/// Both clusters as the controller would reach them (`BarrelmanRunner`'s steps, up to the first request), with
/// one result per step: kubeconfig, credentials, and whether each API server answers.
struct CheckClusters {
    struct Remote {
        var client: KubeClient
        var provider: any RemoteClusterProvider
    }

    struct Local {
        var client: KubeClient
    }

    var results: [CheckResult] = []
    /// nil when the cluster cannot be asked anything: the steps that need it are skipped.
    var local: Local?
    var remote: Remote?
    /// The controllers' settings with the remote identity resolved, as the runner resolves it.
    var settings: ControllerSettings
    var leaseNamespace: String
    var leaderElection: Bool

    static func connect(command: BarrelmanCommand, transport: HTTPTransport, logger: Logger) async -> CheckClusters {
        let operations = command.operations
        // Shorter than the controller's: a check that waits a minute for an unreachable server is no help.
        let options = KubeClientOptions(
            qps: operations.kubeAPIQPS ?? 50, burst: operations.kubeAPIBurst,
            yieldsToPriorityAndFairness: operations.kubeAPIQPS == nil, requestTimeout: .seconds(15), maxRetries: 2,
            maxRetryAfter: .seconds(5), userAgent: "barrelman-check/\(BarrelmanCommand.version)")
        // `validate()` already resolved these once; the parse cannot fail differently now.
        var settings = (try? command.resolvedSettings()) ?? ControllerSettings()
        var checks = CheckClusters(
            settings: settings, leaseNamespace: operations.leaderElectNamespace ?? "default",
            leaderElection: operations.leaderElect.flatMap(GoBool.parse) ?? command.local.localKubeconfig.isEmpty)

        // Local cluster.
        let localKubeconfig = command.local.localKubeconfig
        let localConfig: ClusterConfig?
        do {
            let config =
                localKubeconfig.isEmpty
                ? try KubeconfigLoader.inCluster()
                : try KubeconfigLoader.load(path: localKubeconfig, context: command.local.localContext.isEmpty ? nil : command.local.localContext)
            let origin = localKubeconfig.isEmpty ? "in-cluster config" : "\(localKubeconfig), context \(config.displayName)"
            if config.warnings.isEmpty {
                checks.results.append(.pass("local kubeconfig", "\(origin): \(config.server)"))
            } else {
                checks.results.append(
                    .warn("local kubeconfig", "\(origin): \(config.warnings.joined(separator: "; "))", fix: "see the warning"))
            }
            localConfig = config
        } catch {
            checks.results.append(
                .fail(
                    "local kubeconfig", error.description,
                    fix: localKubeconfig.isEmpty
                        ? "outside a pod, pass -local-kubeconfig (and -local-context)" : "correct the kubeconfig or -local-context"))
            localConfig = nil
        }
        if let localConfig {
            checks.leaseNamespace = operations.leaderElectNamespace ?? localConfig.defaultNamespace
            let client = KubeClient(config: localConfig, options: options, transport: transport, logger: logger)
            let answer = await apiAnswers("local API", client: client)
            checks.results.append(answer)
            if answer.status == .pass { checks.local = Local(client: client) }
        } else {
            checks.results.append(.skip("local API", "no local kubeconfig"))
        }

        // Remote cluster: the provider, its credentials, the API.
        let environment = ProviderEnvironment(transport: transport, logger: logger)
        do {
            let provider = try ProviderRegistry.standard.makeProvider(flags: command.providerFlags, environment: environment)
            let config = try await provider.resolve()
            settings.remoteClusterName = config.displayName
            if settings.remoteClusterID.isEmpty { settings.remoteClusterID = provider.clusterIdentity(for: config) }
            checks.settings = settings
            let credential = await credentialResult(config, provider: provider.name)
            checks.results.append(credential)
            if credential.status == .pass {
                let client = KubeClient(config: config, options: options, transport: transport, logger: logger)
                let answer = await apiAnswers("remote API", client: client)
                checks.results.append(answer)
                if answer.status == .pass { checks.remote = Remote(client: client, provider: provider) }
            } else {
                checks.results.append(.skip("remote API", "no remote credentials"))
            }
        } catch {
            checks.results.append(
                .fail("remote credentials", error.description, fix: "correct the remote flags (see README \"Providers\")"))
            checks.results.append(.skip("remote API", "no remote cluster"))
        }
        return checks
    }

    /// Whether the provider's credential source yields something to send, and what (never the secret itself).
    static func credentialResult(_ config: ClusterConfig, provider: String) async -> CheckResult {
        let source = "\(provider) (\(config.displayName))"
        let credential: Credential
        do {
            credential = try await config.credentials.credential()
        } catch {
            return .fail(
                "remote credentials", "\(source): \(error.description)",
                fix: "make the credential source work from here (see README \"Providers\")")
        }
        var kinds: [String] = []
        if credential.bearerToken != nil {
            switch provider {
            case "gke": kinds.append("a Google access token")
            case "eks": kinds.append("an EKS token")
            default:
                if let exec = config.credentials as? ExecCredentials {
                    kinds.append("a token from exec plugin \(exec.config.command)")
                } else {
                    kinds.append("a bearer token")
                }
            }
        }
        if credential.basic != nil { kinds.append("basic auth") }
        if credential.clientCertificatePEM != nil || config.tls.clientCertificateFile != nil { kinds.append("a client certificate") }
        guard !kinds.isEmpty else {
            return .warn(
                "remote credentials", "\(source) yields no credential: requests are anonymous",
                fix: "give the remote kubeconfig user a token, certificate or exec plugin")
        }
        return .pass("remote credentials", "\(source) yields \(kinds.joined(separator: " and "))")
    }

    /// `GET /version` with the client's credentials: the server answers and accepts them.
    static func apiAnswers(_ name: String, client: KubeClient) async -> CheckResult {
        let server = client.config.server
        do {
            let version = try await client.serverVersion()
            return .pass(name, "\(server) answers: Kubernetes \(version.gitVersion)")
        } catch {
            return .fail(name, "\(server): \(error.description)", fix: fix(for: error, server: server))
        }
    }

    /// What to do about a failed request, by the layer that failed.
    static func fix(for error: KubeError, server: String) -> String {
        switch error {
        case .unauthorized: return "the server refuses the credential: renew it, or check the kubeconfig user"
        case .transport(.tls): return "the server's certificate does not verify: check the CA in the kubeconfig (certificate-authority-data)"
        case .transport: return "make \(server) reachable from here (address, DNS, firewall, proxy)"
        case .credentials: return "make the credential source work from here"
        case .forbidden: return "grant the identity what the message names"
        default: return "see the message"
        }
    }
}
