#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KubeAPI
import Logging

/// A remote cluster from a kubeconfig file (`-remote-kubeconfig`, `-remote-context`), with every auth method
/// the kubeconfig loader supports (tokens, client certificates, exec plugins such as gke-gcloud-auth-plugin).
public struct KubeconfigProvider: RemoteClusterProvider {
    package static let providerName = "kubeconfig"

    public var name: String { Self.providerName }
    /// The context name, or `current-context` when none was given.
    public let displayName: String
    /// The kubeconfig path; nil uses `KUBECONFIG` or `~/.kube/config`, as kubectl does.
    public let path: String?
    public let context: String?
    private let variables: [String: String]
    private let logger: Logger

    public init(flags: ProviderFlags, environment: ProviderEnvironment) throws(ProviderError) {
        path = flags.remoteKubeconfig.nonEmpty
        context = flags.remoteContext.nonEmpty
        variables = environment.variables
        logger = environment.logger
        displayName = context ?? "current-context"
    }

    public func resolve() async throws(ProviderError) -> ClusterConfig {
        do {
            let config = try KubeconfigLoader.load(path: path, context: context, environment: variables)
            for warning in config.warnings { logger.warning("remote cluster: \(warning)") }
            return config
        } catch {
            // The loader's advice names the local cluster's flag; here the remote one is meant.
            let message = error.message.replacing("-local-kubeconfig", with: "-remote-kubeconfig")
            throw ProviderError("remote cluster: \(message)")
        }
    }
}
