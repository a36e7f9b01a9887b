/// Builds a provider for one name; throws when the flags it needs are missing or invalid.
public typealias ProviderFactory =
    @Sendable (ProviderFlags, ProviderEnvironment) throws(ProviderError) -> any RemoteClusterProvider

/// The known providers by name, and the rule that picks one from the flags.
public struct ProviderRegistry: Sendable {
    private var factories: [String: ProviderFactory] = [:]

    /// No providers; add them with `register`.
    public init() {}

    /// `eks`, `gke` and `kubeconfig`.
    public static let standard: ProviderRegistry = {
        var registry = ProviderRegistry()
        registry.register(name: GKEProvider.providerName) { (flags, environment) throws(ProviderError) in
            try GKEProvider(flags: flags, environment: environment)
        }
        registry.register(name: EKSProvider.providerName) { (flags, environment) throws(ProviderError) in
            try EKSProvider(flags: flags, environment: environment)
        }
        registry.register(name: KubeconfigProvider.providerName) { (flags, environment) throws(ProviderError) in
            try KubeconfigProvider(flags: flags, environment: environment)
        }
        return registry
    }()

    /// Adds or replaces the provider called `name`.
    public mutating func register(name: String, factory: @escaping ProviderFactory) {
        factories[name] = factory
    }

    /// Registered names, sorted.
    public var names: [String] { factories.keys.sorted() }

    /// `-remote-provider NAME`, else gke when `-remote-project` is set, kubeconfig when `-remote-kubeconfig` is set,
    /// eks when `-eks-cluster-name` is set, else an error listing the ways.
    public func makeProvider(
        flags: ProviderFlags, environment: ProviderEnvironment
    ) throws(ProviderError) -> any RemoteClusterProvider {
        let name: String
        if let chosen = flags.remoteProvider.nonEmpty {
            name = chosen
        } else if flags.remoteProject.nonEmpty != nil {
            name = GKEProvider.providerName
        } else if flags.remoteKubeconfig.nonEmpty != nil {
            name = KubeconfigProvider.providerName
        } else if flags.eksClusterName.nonEmpty != nil {
            name = EKSProvider.providerName
        } else {
            throw ProviderError(
                "no remote cluster configured: set -remote-project and -remote-cluster-name (with -remote-zone) "
                    + "for a GKE cluster, -eks-cluster-name (with -eks-region) for an EKS cluster, "
                    + "or -remote-kubeconfig (with -remote-context) for any cluster")
        }
        guard let factory = factories[name] else {
            throw ProviderError(
                "-remote-provider \(name): unknown provider (use one of: \(names.joined(separator: ", ")))")
        }
        return try factory(flags, environment)
    }
}
