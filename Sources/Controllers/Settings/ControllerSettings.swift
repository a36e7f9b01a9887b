/// Which node address the endpoints point at.
public enum NodeAddressType: String, Sendable, Hashable, CaseIterable {
    case internalIP = "InternalIP"
    case externalIP = "ExternalIP"
}

/// Which endpoint APIs barrelman writes for a local service.
public enum EndpointsMode: String, Sendable, Hashable, CaseIterable {
    /// discovery.k8s.io/v1 EndpointSlices only (Endpoints is deprecated since Kubernetes 1.33).
    case endpointSlices
    /// core/v1 Endpoints only, as the original did.
    case endpoints
    /// Both; the Endpoints carry `skip-mirror` so Kubernetes does not mirror them into a second set of slices.
    case both

    /// True when core/v1 Endpoints are written in this mode.
    public var writesEndpoints: Bool { self != .endpointSlices }
    /// True when EndpointSlices are written in this mode.
    public var writesEndpointSlices: Bool { self != .endpoints }
}

/// What the controllers' decisions depend on, fixed for the life of the process.
public struct ControllerSettings: Sendable, Hashable {
    /// The most endpoints the EndpointSlice API accepts in one slice.
    public static let endpointSliceCapacity = 1000
    /// The namespaces ignored when `-ignore-namespace` is not given.
    public static let defaultIgnoredNamespaces: Set<String> = ["kube-system"]

    /// Remote namespaces whose services are never mirrored.
    public var ignoredNamespaces: Set<String>
    /// Remote namespaces whose services may be mirrored; empty means all.
    public var allowedNamespaces: Set<String>
    /// `-nodeportsvc`: create local services as NodePort, keeping the remote node port.
    public var createNodePortServices: Bool
    /// Mirror remote LoadBalancer services too (they have node ports as well).
    public var mirrorLoadBalancer: Bool
    /// Which remote node address the endpoints use.
    public var nodeAddressType: NodeAddressType
    /// Which endpoint APIs are written.
    public var endpointsMode: EndpointsMode
    /// Endpoints per EndpointSlice, clamped to 1...1000.
    public var maxEndpointsPerSlice: Int {
        didSet { maxEndpointsPerSlice = Self.clampedSliceSize(maxEndpointsPerSlice) }
    }
    /// `-nodes-per-service`: how many nodes each service's endpoints hold (`NodeSubset`); 0 means every eligible node.
    /// Services with `externalTrafficPolicy: Local` keep their own nodes (those running their pods).
    public var nodesPerService: Int = 0
    /// `-require-export`: only remote services annotated `barrelman.tfw.io/export: "true"` are mirrored, an
    /// explicit export as in the Multi-Cluster Services API (the trust boundary when remotes belong to other teams).
    public var requireExport: Bool = false
    /// `-federate`: every mirrored remote service is federated, as if annotated `barrelman.tfw.io/federate: "true"`
    /// (served by every remote that has it, one EndpointSlice set per source cluster).
    public var federate: Bool = false
    /// This remote's failover priority for federated services (`priority` in `-remote-config`), lower preferred;
    /// nil: after every numbered remote.
    public var priority: Int? = nil
    /// The remote cluster's display name, for messages.
    public var remoteClusterName: String
    /// The remote cluster's identity, stable and unique per remote (`RemoteClusterProvider.clusterIdentity`):
    /// written on every local object and deciding what this instance owns. Empty: the display name.
    public var remoteClusterID: String

    public init(
        ignoredNamespaces: Set<String> = ControllerSettings.defaultIgnoredNamespaces,
        allowedNamespaces: Set<String> = [], createNodePortServices: Bool = false, mirrorLoadBalancer: Bool = true,
        nodeAddressType: NodeAddressType = .internalIP, endpointsMode: EndpointsMode = .endpointSlices,
        maxEndpointsPerSlice: Int = 100, remoteClusterName: String = "", remoteClusterID: String = ""
    ) {
        self.ignoredNamespaces = ignoredNamespaces
        self.allowedNamespaces = allowedNamespaces
        self.createNodePortServices = createNodePortServices
        self.mirrorLoadBalancer = mirrorLoadBalancer
        self.nodeAddressType = nodeAddressType
        self.endpointsMode = endpointsMode
        self.maxEndpointsPerSlice = Self.clampedSliceSize(maxEndpointsPerSlice)
        self.remoteClusterName = remoteClusterName
        self.remoteClusterID = remoteClusterID
    }

    /// The namespaces this instance mirrors.
    public var scope: NamespaceScope { NamespaceScope(allowed: allowedNamespaces, ignored: ignoredNamespaces) }

    /// What this instance owns in the local cluster.
    public var ownership: Ownership {
        Ownership(identity: remoteClusterID.isEmpty ? remoteClusterName : remoteClusterID, scope: scope)
    }

    /// True when services of the remote namespace may be mirrored: not ignored, and allowed (or no allow list).
    public func isNamespaceMirrored(_ namespace: String) -> Bool {
        scope.contains(namespace)
    }

    private static func clampedSliceSize(_ size: Int) -> Int {
        min(max(size, 1), endpointSliceCapacity)
    }
}
