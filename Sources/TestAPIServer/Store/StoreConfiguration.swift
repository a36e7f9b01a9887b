/// Knobs of the in-memory API server. Defaults keep tests fast, except that writes cost what they cost on a
/// real kube-apiserver (`writeCost`), so that what passes here holds against a cluster.
public struct StoreConfiguration: Sendable {
    /// Service ClusterIP range.
    public var serviceCIDR = "10.96.0.0/12"
    /// Service node port range.
    public var nodePortRange: ClosedRange<Int> = 30000...32767
    /// How many watch events are kept for resuming watches and continuing lists; older ones are compacted away.
    public var historyLimit = 10_000
    /// How long a deleted namespace stays Terminating before its content is removed; zero does it within the DELETE.
    public var namespaceFinalizationDelay: Duration = .zero
    /// Interval of BOOKMARK events for watches with `allowWatchBookmarks=true`.
    public var bookmarkInterval: Duration = .seconds(1)
    /// How long a watch without `timeoutSeconds` stays open (kube picks 30-60 minutes).
    public var defaultWatchTimeout: Duration = .seconds(1800)
    /// Whether watches accept `sendInitialEvents` (streaming lists); false answers 422 like a pre-1.27 apiserver.
    public var watchListSupported = true
    /// Whether responses carry API Priority and Fairness headers, as kube-apiserver's have since 1.20; false
    /// stands for an apiserver with the feature off, where clients must pace themselves.
    public var priorityAndFairness = true
    /// The time writes take (creates, updates, patches, deletes through the API; reads, watches and the direct
    /// `APIServerState` calls of tests take none). Nil applies writes as fast as the server can, for tests that
    /// need raw speed.
    public var writeCost: WriteCostModel? = .kubeAPIServer
    /// Whether kube-controller-manager's EndpointSlice mirroring runs, as on every real control plane: Endpoints
    /// without `endpointslice.kubernetes.io/skip-mirror: "true"` of selector-less Services get slices managed by
    /// `endpointslicemirroring-controller.k8s.io` (`EndpointSliceMirroring`).
    public var endpointSliceMirroring = true
    /// Namespaces that exist from the start, as in a fresh cluster.
    public var initialNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"]

    public init() {}
}
