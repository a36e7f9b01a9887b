import KubeAPI

/// Turns "which remote cluster, with which credentials" into a `ClusterConfig`. One conforming type per cloud.
public protocol RemoteClusterProvider: Sendable {
    /// The registry name, e.g. `gke` or `kubeconfig`.
    var name: String { get }
    /// For logs, metrics and annotations: e.g. `gke_project_zone_cluster`, or the kubeconfig context.
    var displayName: String { get }
    /// Endpoint, CA and a self-refreshing credential source.
    func resolve() async throws(ProviderError) -> ClusterConfig
    /// The remote cluster's identity, stable across restarts and unique per remote cluster (unlike a kubeconfig
    /// context name, which two users may share): written on every local object barrelman creates, it decides
    /// which instance owns what (`Ownership`).
    func clusterIdentity(for config: ClusterConfig) -> String
}

extension RemoteClusterProvider {
    /// `<provider>/<API server URL>`: one URL is one cluster.
    public func clusterIdentity(for config: ClusterConfig) -> String { "\(name)/\(config.server)" }
}
