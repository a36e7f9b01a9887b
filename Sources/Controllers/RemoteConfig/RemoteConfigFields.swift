import Providers

/// The providers a `-remote-config` entry may name, and the fields each one needs.
enum RemoteProviderKind: String, CaseIterable {
    case kubeconfig
    case gke
    case eks

    /// The registry names, in the order messages list them.
    static let names = allCases.map(\.rawValue).joined(separator: ", ")

    var registryName: String {
        switch self {
        case .kubeconfig: KubeconfigProvider.providerName
        case .gke: GKEProvider.providerName
        case .eks: EKSProvider.providerName
        }
    }

    /// What an entry of this provider must set. `eks-region` may come from `AWS_REGION` as for the flag, and a
    /// GKE cluster is named by project, zone and name together.
    var requiredFields: [RemoteConfigField] {
        switch self {
        case .kubeconfig: [.kubeconfig]
        case .gke: [.project, .zone, .clusterName]
        case .eks: [.eksClusterName]
        }
    }

    /// Every field an entry of this provider may have, in the order of the README.
    var allowedFields: [RemoteConfigField] {
        RemoteConfigField.allCases.filter { $0.provider == nil || $0.provider == self }
    }
}

/// The fields of a `-remote-config` entry: the names of the single-remote flags without `remote-`, and the
/// per-remote controller settings.
enum RemoteConfigField: String, CaseIterable {
    case name
    case provider
    case id
    case kubeconfig
    case context
    case project
    case zone
    case clusterName = "cluster-name"
    case credentials
    case gkeAPIEndpoint = "gke-api-endpoint"
    case gkeUsePrivateEndpoint = "gke-use-private-endpoint"
    case eksClusterName = "eks-cluster-name"
    case eksRegion = "eks-region"
    case eksRoleARN = "eks-role-arn"
    case eksAPIEndpoint = "eks-api-endpoint"
    case stsEndpoint = "sts-endpoint"
    case namespaces
    case ignoreNamespaces = "ignore-namespaces"
    case nodesPerService = "nodes-per-service"
    case requireExport = "require-export"
    case priority

    /// The only provider whose entries may have this field; nil for fields of every entry.
    var provider: RemoteProviderKind? {
        switch self {
        case .kubeconfig, .context: .kubeconfig
        case .project, .zone, .clusterName, .credentials, .gkeAPIEndpoint, .gkeUsePrivateEndpoint: .gke
        case .eksClusterName, .eksRegion, .eksRoleARN, .eksAPIEndpoint, .stsEndpoint: .eks
        case .name, .provider, .id, .namespaces, .ignoreNamespaces, .nodesPerService, .requireExport, .priority: nil
        }
    }

    /// Fields holding a path, resolved against the config file's folder when relative.
    var isPath: Bool { self == .kubeconfig || self == .credentials }
}
