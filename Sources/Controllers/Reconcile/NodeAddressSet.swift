import KubeAPI

/// One remote node as an endpoint: its address of the configured type and whether it takes traffic.
public struct NodeAddressEntry: Sendable, Hashable {
    /// The remote node's name.
    public var nodeName: String
    /// Its address of the configured type.
    public var address: String
    /// Its `topology.kubernetes.io/zone` label.
    public var zone: String?
    /// Ready, and the network not reported unavailable.
    public var ready: Bool
    /// Labelled `node.kubernetes.io/exclude-from-external-load-balancers`: used only when no other node is ready.
    public var excludedFromLoadBalancers: Bool

    public init(nodeName: String, address: String, zone: String? = nil, ready: Bool, excludedFromLoadBalancers: Bool = false) {
        self.nodeName = nodeName
        self.address = address
        self.zone = zone
        self.ready = ready
        self.excludedFromLoadBalancers = excludedFromLoadBalancers
    }
}

/// The remote nodes' addresses, computed once per node change and shared by every service's endpoints.
///
/// Holds the nodes that may carry traffic, as the service controller of Kubernetes 1.26+ picks load balancer
/// backends: cordoned nodes stay (kube-proxy on them forwards as before; upstream stopped dropping them
/// because cordoning every node during an upgrade emptied load balancers), nodes the cluster autoscaler is
/// removing go, and nodes labelled `node.kubernetes.io/exclude-from-external-load-balancers` are kept but
/// flagged, for `EndpointNodeSelection` to use only when nothing else is ready. Sorted by node name, then
/// address, per family.
public struct NodeAddressSet: Sendable, Hashable {
    /// Entries with an IPv4 address.
    public var ipv4: [NodeAddressEntry]
    /// Entries with an IPv6 address.
    public var ipv6: [NodeAddressEntry]

    public init(ipv4: [NodeAddressEntry] = [], ipv6: [NodeAddressEntry] = []) {
        self.ipv4 = ipv4
        self.ipv6 = ipv6
    }

    /// The set for these nodes; a dual-stack node contributes its first address of each family. A node without
    /// an address of the configured type is left out, and so is an address an EndpointSlice may not carry
    /// (loopback, link-local, unspecified).
    public init(nodes: [NodeSummary], settings: ControllerSettings) {
        var ipv4: [NodeAddressEntry] = []
        var ipv6: [NodeAddressEntry] = []
        let type = settings.nodeAddressType.rawValue
        for node in nodes where !node.toBeDeletedByClusterAutoscaler {
            var seen = Set<IPAddressFamily>()
            for address in node.addresses where address.type == type {
                guard let family = IPAddressFamily(endpointAddress: address.address), seen.insert(family).inserted
                else {
                    continue
                }
                let entry = NodeAddressEntry(
                    nodeName: node.metadata.name, address: address.address, zone: node.zone, ready: node.isReady,
                    excludedFromLoadBalancers: node.isExcludedFromExternalLoadBalancers)
                if family == .ipv4 { ipv4.append(entry) } else { ipv6.append(entry) }
            }
        }
        let order: (NodeAddressEntry, NodeAddressEntry) -> Bool = {
            ($0.nodeName, $0.address) < ($1.nodeName, $1.address)
        }
        self.ipv4 = ipv4.sorted(by: order)
        self.ipv6 = ipv6.sorted(by: order)
    }

    /// Every entry, IPv4 first.
    public var all: [NodeAddressEntry] { ipv4 + ipv6 }
    /// The entries of one family.
    public func entries(of family: IPAddressFamily) -> [NodeAddressEntry] { family == .ipv4 ? ipv4 : ipv6 }
    /// True when no node qualifies.
    public var isEmpty: Bool { ipv4.isEmpty && ipv6.isEmpty }
    /// How many entries are ready.
    public var readyCount: Int { ipv4.count(where: \.ready) + ipv6.count(where: \.ready) }

    /// The entries `include` keeps, in the same order.
    public func filter(_ include: (NodeAddressEntry) -> Bool) -> NodeAddressSet {
        NodeAddressSet(ipv4: ipv4.filter(include), ipv6: ipv6.filter(include))
    }
}
