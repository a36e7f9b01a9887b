import KubeAPI

/// The remote nodes that are a service's endpoints, and what the choice had to fall back on.
public struct EndpointNodeSelection: Sendable, Hashable {
    /// The chosen nodes (ready ones as ready endpoints, the others as not ready).
    public var nodes: NodeAddressSet
    /// True when only nodes labelled `exclude-from-external-load-balancers` were ready and they were used.
    public var usedExcludedNodes: Bool

    /// Picks from `candidates` (every node that may carry traffic, see `NodeAddressSet`):
    /// - `hosting` nil (`externalTrafficPolicy: Cluster`): every candidate;
    ///   `hosting` given (`Local`): only the nodes in it, since kube-proxy drops Local traffic on other nodes;
    /// - nodes labelled `exclude-from-external-load-balancers` are left out, unless that leaves no ready node:
    ///   then the ready labelled ones are used (a kind or kubeadm cluster's only node is such a control plane),
    ///   and `usedExcludedNodes` says so.
    public init(candidates: NodeAddressSet, hosting: Set<String>? = nil) {
        let inPlay = hosting.map { hosting in candidates.filter { hosting.contains($0.nodeName) } } ?? candidates
        let preferred = inPlay.filter { !$0.excludedFromLoadBalancers }
        if preferred.readyCount == 0 && inPlay.filter({ $0.excludedFromLoadBalancers && $0.ready }).readyCount > 0 {
            nodes = inPlay.filter { !$0.excludedFromLoadBalancers || $0.ready }
            usedExcludedNodes = true
        } else {
            nodes = preferred
            usedExcludedNodes = false
        }
    }
}

/// The nodes that hold endpoints of one remote service, from its EndpointSlices: nodes with a ready endpoint,
/// or, when there is none, nodes with a serving terminating one (kube-proxy's fallback for Local traffic).
public func nodesHostingEndpoints(_ slices: [EndpointSliceSummary]) -> Set<String> {
    let ready = Set(slices.flatMap(\.readyNodes))
    return ready.isEmpty ? Set(slices.flatMap(\.servingTerminatingNodes)) : ready
}

/// True when kube-proxy routes the remote service's external traffic only to nodes running its pods.
public func routesToLocalEndpointsOnly(_ remote: Service) -> Bool {
    remote.spec.externalTrafficPolicy == "Local"
}
