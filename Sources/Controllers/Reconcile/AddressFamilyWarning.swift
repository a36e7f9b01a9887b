import KubeAPI

/// The Event reason used when the remote nodes have addresses, but none of the local service's IP families.
public let noAddressesInServiceFamilyReason = "NoRemoteAddressesInServiceFamily"

/// A warning when every remote node address is of a family the local service does not have (IPv6 nodes, IPv4
/// service): its slices of the other family are written, but kube-proxy routes a service only to endpoints of
/// its own families. nil when some address matches, when there are no addresses (see `noReadyNodesWarning`),
/// or when the server did not report the service's families.
public func addressFamilyWarning(
    for service: Service, nodes: NodeAddressSet, settings: ControllerSettings
) -> ServiceEventWarning? {
    let serviceFamilies = Set(service.spec.ipFamilies.compactMap(IPAddressFamily.init(serviceFamily:)))
    let nodeFamilies = Set(IPAddressFamily.allCases.filter { !nodes.entries(of: $0).isEmpty })
    guard !serviceFamilies.isEmpty, !nodeFamilies.isEmpty, serviceFamilies.isDisjoint(with: nodeFamilies) else {
        return nil
    }
    let names = { (families: Set<IPAddressFamily>) in
        families.sorted { $0.rawValue < $1.rawValue }.map(\.serviceFamily).joined(separator: "/")
    }
    let message =
        "the remote nodes' \(settings.nodeAddressType.rawValue) addresses are \(names(nodeFamilies)) only, "
        + "but service \(service.metadata.name) is \(names(serviceFamilies)): its endpoints carry no traffic; "
        + "set spec.ipFamilyPolicy: PreferDualStack on it in a dual-stack cluster (barrelman keeps it), "
        + "or choose a -node-address-type of the service's family"
    return ServiceEventWarning(reason: noAddressesInServiceFamilyReason, message: message)
}

extension IPAddressFamily {
    /// The family as `spec.ipFamilies` names it.
    var serviceFamily: String { self == .ipv4 ? "IPv4" : "IPv6" }

    init?(serviceFamily: String) {
        switch serviceFamily {
        case "IPv4": self = .ipv4
        case "IPv6": self = .ipv6
        default: return nil
        }
    }
}
