import KubeAPI

/// True when barrelman maintains the endpoints of this local service (label `true` or `managed-resource`).
public func localServiceWantsEndpoints(_ service: Service) -> Bool {
    let value = service.metadata.labels[BarrelmanLabels.key]
    return value == BarrelmanLabels.userManaged || value == BarrelmanLabels.managedResource
}

/// The Endpoints a service should have, and the ports that could not be written.
public struct DesiredEndpoints: Sendable, Hashable {
    /// The object to write.
    public var endpoints: Endpoints
    /// One line per service port left out (see `EndpointPortResolution`).
    public var warnings: [String]
}

/// The Endpoints of a local service: one subset with the ready nodes as `addresses`, the others as
/// `notReadyAddresses` (so no ready node is a state, not a failure), and the resolved ports. Only addresses
/// of the service's primary IP family, as the endpoints controller writes them: kube-proxy rejects
/// Endpoints that mix families.
public func desiredEndpoints(
    for service: Service, nodes: NodeAddressSet, settings: ControllerSettings
) -> DesiredEndpoints {
    let resolution = EndpointPortResolution(service: service)
    var labels = [BarrelmanLabels.key: BarrelmanLabels.endpointsWritten]
    if settings.endpointsMode == .both { labels[BarrelmanLabels.skipMirrorLabel] = BarrelmanLabels.skipMirrorValue }
    let entries = nodes.entries(of: service.primaryIPFamily)
    let address = { (entry: NodeAddressEntry) in EndpointAddress(ip: entry.address, nodeName: entry.nodeName) }
    let subset = EndpointSubset(
        addresses: entries.filter(\.ready).map(address),
        notReadyAddresses: entries.filter { !$0.ready }.map(address),
        ports: resolution.ports.map { EndpointPort(name: $0.name, port: $0.port, protocol: $0.protocol) })
    // The API rejects a subset without any address, so "no nodes" is no subset at all.
    let hasAddresses = !subset.addresses.isEmpty || !subset.notReadyAddresses.isEmpty
    let endpoints = Endpoints(
        metadata: ObjectMeta(
            name: service.metadata.name, namespace: service.metadata.namespaceOrDefault, labels: labels,
            annotations: settings.ownership.annotations),
        subsets: hasAddresses ? [subset] : [])
    return DesiredEndpoints(endpoints: endpoints, warnings: resolution.warnings)
}

extension Service {
    /// The family of `spec.ipFamilies[0]`; without it (an old server), that of the cluster IP; else IPv4.
    var primaryIPFamily: IPAddressFamily {
        if let first = spec.ipFamilies.first, let family = IPAddressFamily(serviceFamily: first) { return family }
        if let clusterIP = spec.clusterIP, let family = IPAddressFamily(endpointAddress: clusterIP) { return family }
        return .ipv4
    }
}
