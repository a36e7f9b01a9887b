import KubeAPI

/// The Event reason used when only nodes labelled `exclude-from-external-load-balancers` were ready.
public let excludedNodesUsedReason = "UsingExcludedRemoteNodes"
/// The Event reason used when no remote node runs an endpoint of an `externalTrafficPolicy: Local` service.
public let noLocalEndpointsReason = "NoRemoteNodeWithLocalEndpoints"

/// A warning when the endpoints had to use nodes labelled `node.kubernetes.io/exclude-from-external-load-balancers`
/// because no other node was ready (a single-node kind or kubeadm cluster, whose node is its control plane).
public func excludedNodesWarning(for service: Service, selection: EndpointNodeSelection) -> ServiceEventWarning? {
    guard selection.usedExcludedNodes else { return nil }
    let names = Set(selection.nodes.all.filter { $0.excludedFromLoadBalancers && $0.ready }.map(\.nodeName)).sorted()
    return ServiceEventWarning(
        reason: excludedNodesUsedReason,
        message: "no ready remote node without the label node.kubernetes.io/exclude-from-external-load-balancers: "
            + "\(service.metadata.name) uses the labelled node(s) \(names.joined(separator: ", ")) instead; "
            + "add a worker node or remove the label to choose otherwise")
}

/// For a remote service that routes only to nodes with its pods (`externalTrafficPolicy: Local`): a warning
/// when no eligible node runs a ready one, so the endpoints are empty until one does.
public func noLocalEndpointsWarning(for service: Service, selection: EndpointNodeSelection) -> ServiceEventWarning? {
    guard selection.nodes.readyCount == 0 else { return nil }
    return ServiceEventWarning(
        reason: noLocalEndpointsReason,
        message: "the remote service has externalTrafficPolicy: Local and no ready remote node runs a ready pod of it: "
            + "\(service.metadata.name) has no endpoints until one does")
}
