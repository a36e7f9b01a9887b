import KubeAPI

/// A Warning Event to record on a local service.
public struct ServiceEventWarning: Sendable, Hashable {
    /// The Event's reason, CamelCase.
    public var reason: String
    /// One line for people.
    public var message: String
}

/// The Event reason used when a service's endpoints have no ready remote node.
public let noReadyRemoteNodesReason = "NoReadyRemoteNodes"

/// A warning for the service when none of the remote nodes is ready (the endpoints are still written, with
/// the known nodes as not ready); nil when at least one is ready.
public func noReadyNodesWarning(
    for service: Service, nodes: NodeAddressSet, settings: ControllerSettings
) -> ServiceEventWarning? {
    guard nodes.readyCount == 0 else { return nil }
    let cluster =
        settings.remoteClusterName.isEmpty ? "the remote cluster" : "remote cluster \(settings.remoteClusterName)"
    let known = nodes.all.count
    let message =
        known == 0
        ? "no node of \(cluster) has an \(settings.nodeAddressType.rawValue) address and takes traffic: "
            + "\(service.metadata.name) has no endpoints"
        : "none of the \(known) nodes of \(cluster) is ready: \(service.metadata.name) has only not-ready endpoints"
    return ServiceEventWarning(reason: noReadyRemoteNodesReason, message: message)
}
