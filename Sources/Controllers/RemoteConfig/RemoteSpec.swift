import Providers

/// One remote of a `-remote-config` file: how to reach it (`providerFlags`, as the single-remote flags would
/// give them) and what it overrides of the process's controller settings.
public struct RemoteSpec: Sendable, Hashable {
    /// Unique in the file, a DNS-1123 label: used in logs, metric labels and Lease names.
    public var name: String
    /// `provider`, `kubeconfig`, `context`, `project`, `zone`, `cluster-name`, `credentials`, `gke-*`, `eks-*`,
    /// `sts-endpoint`. Relative `kubeconfig` and `credentials` paths are already resolved against the folder
    /// of the config file (as kubectl resolves paths in a kubeconfig). `remoteProvider` is always set.
    public var providerFlags: ProviderFlags
    /// What this remote sets instead of the process's flags.
    public var overrides: RemoteSettingsOverrides

    public init(name: String, providerFlags: ProviderFlags, overrides: RemoteSettingsOverrides = RemoteSettingsOverrides()) {
        self.name = name
        self.providerFlags = providerFlags
        self.overrides = overrides
    }

    /// The controllers' settings for this remote: `base` (from the process's flags) with this remote's name and
    /// overrides. The identity is `id` from the file, or empty: the caller then sets the provider's
    /// `clusterIdentity`, as for a single remote. The base's `-remote-cluster-id` is never inherited, since
    /// every remote needs an identity of its own.
    public func settings(over base: ControllerSettings) -> ControllerSettings {
        var settings = base
        settings.remoteClusterName = name
        settings.remoteClusterID = overrides.remoteClusterID ?? ""
        if let allowed = overrides.allowedNamespaces { settings.allowedNamespaces = allowed }
        if let ignored = overrides.ignoredNamespaces { settings.ignoredNamespaces = ignored }
        if let count = overrides.nodesPerService { settings.nodesPerService = count }
        if let requireExport = overrides.requireExport { settings.requireExport = requireExport }
        if let priority = overrides.priority { settings.priority = priority }
        return settings
    }
}

/// The per-remote fields of a `-remote-config` entry; nil where the entry leaves the process's flag in force.
public struct RemoteSettingsOverrides: Sendable, Hashable {
    /// `namespaces`: the allowlist, as `-namespace` (empty: every namespace not ignored).
    public var allowedNamespaces: Set<String>?
    /// `ignore-namespaces`, applied in order to the default set (`kube-system`) as `-ignore-namespace` is:
    /// `-NAME` stops ignoring one.
    public var ignoredNamespaces: Set<String>?
    /// `nodes-per-service`, as `-nodes-per-service` (0: every eligible node).
    public var nodesPerService: Int?
    /// `require-export`: only remote services annotated `barrelman.tfw.io/export: "true"` are mirrored.
    public var requireExport: Bool?
    /// `priority`: failover order of federated services, lower preferred; nil when the entry sets none.
    public var priority: Int?
    /// `id`: the remote's identity, as `-remote-cluster-id`; nil: the provider's.
    public var remoteClusterID: String?

    public init(
        allowedNamespaces: Set<String>? = nil, ignoredNamespaces: Set<String>? = nil, nodesPerService: Int? = nil,
        requireExport: Bool? = nil, priority: Int? = nil, remoteClusterID: String? = nil
    ) {
        self.allowedNamespaces = allowedNamespaces
        self.ignoredNamespaces = ignoredNamespaces
        self.nodesPerService = nodesPerService
        self.requireExport = requireExport
        self.priority = priority
        self.remoteClusterID = remoteClusterID
    }
}
