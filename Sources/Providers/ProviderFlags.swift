/// The command-line flags that select and configure the remote cluster's provider.
public struct ProviderFlags: Sendable, Hashable {
    /// `-remote-provider`: a registry name; nil chooses from the other flags.
    public var remoteProvider: String?
    /// `-remote-kubeconfig`: kubeconfig of the remote cluster.
    public var remoteKubeconfig: String?
    /// `-remote-context`: context in that kubeconfig (nil: its current context).
    public var remoteContext: String?
    /// `-remote-project`: GCP project of the remote GKE cluster.
    public var remoteProject: String?
    /// `-remote-zone`: its zone or region.
    public var remoteZone: String
    /// `-remote-cluster-name`: its name.
    public var remoteClusterName: String?
    /// `-remote-credentials`: a service-account key file (else `GOOGLE_APPLICATION_CREDENTIALS`, else the metadata server).
    public var remoteCredentials: String?
    /// `-gke-api-endpoint`: base URL of the Container API (default `https://container.googleapis.com`).
    public var gkeAPIEndpoint: String?
    /// `-gke-use-private-endpoint`: connect to the cluster's private endpoint instead of its public one.
    public var gkeUsePrivateEndpoint: Bool
    /// `-eks-cluster-name`: name of the remote EKS cluster.
    public var eksClusterName: String?
    /// `-eks-region`: its region (else `AWS_REGION`, else `AWS_DEFAULT_REGION`).
    public var eksRegion: String?
    /// `-eks-role-arn`: a role to assume (with the credentials found) before calling EKS.
    public var eksRoleARN: String?
    /// `-eks-api-endpoint`: base URL of the EKS API (default `https://eks.<region>.amazonaws.com`).
    public var eksAPIEndpoint: String?
    /// `-sts-endpoint`: base URL of STS (default `https://sts.<region>.amazonaws.com`); also the host the
    /// cluster's tokens are presigned for.
    public var stsEndpoint: String?

    public init(
        remoteProvider: String? = nil, remoteKubeconfig: String? = nil, remoteContext: String? = nil,
        remoteProject: String? = nil, remoteZone: String = "europe-west1-c", remoteClusterName: String? = nil,
        remoteCredentials: String? = nil, gkeAPIEndpoint: String? = nil, gkeUsePrivateEndpoint: Bool = false,
        eksClusterName: String? = nil, eksRegion: String? = nil, eksRoleARN: String? = nil,
        eksAPIEndpoint: String? = nil, stsEndpoint: String? = nil
    ) {
        self.remoteProvider = remoteProvider
        self.remoteKubeconfig = remoteKubeconfig
        self.remoteContext = remoteContext
        self.remoteProject = remoteProject
        self.remoteZone = remoteZone
        self.remoteClusterName = remoteClusterName
        self.remoteCredentials = remoteCredentials
        self.gkeAPIEndpoint = gkeAPIEndpoint
        self.gkeUsePrivateEndpoint = gkeUsePrivateEndpoint
        self.eksClusterName = eksClusterName
        self.eksRegion = eksRegion
        self.eksRoleARN = eksRoleARN
        self.eksAPIEndpoint = eksAPIEndpoint
        self.stsEndpoint = stsEndpoint
    }
}

extension Optional where Wrapped == String {
    /// The value, unless nil or empty (an empty flag counts as not given).
    var nonEmpty: String? {
        switch self {
        case .some(let value) where !value.isEmpty: return value
        default: return nil
        }
    }
}
