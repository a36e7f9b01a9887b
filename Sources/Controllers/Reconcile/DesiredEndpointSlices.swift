import KubeAPI

/// The EndpointSlices of a local service: per address family, chunks of at most `maxEndpointsPerSlice`
/// nodes with deterministic names, owned by the service. With no nodes at all, one empty IPv4 slice, so
/// consumers see "no endpoints" explicitly.
public func desiredEndpointSlices(
    for service: Service, nodes: NodeAddressSet, settings: ControllerSettings
) -> [EndpointSlice] {
    let ports = EndpointPortResolution(service: service).ports.map {
        EndpointSlicePort(name: $0.name ?? "", port: $0.port, protocol: $0.protocol)
    }
    let chunkSize = settings.maxEndpointsPerSlice
    var slices: [EndpointSlice] = []
    for family in IPAddressFamily.allCases {
        let entries = nodes.entries(of: family)
        var chunks = stride(from: 0, to: entries.count, by: chunkSize).map {
            entries[$0..<min($0 + chunkSize, entries.count)]
        }
        if family == .ipv4 && nodes.isEmpty { chunks = [[]] }
        for (index, chunk) in chunks.enumerated() {
            slices.append(
                EndpointSlice(
                    metadata: sliceMetadata(service: service, family: family, index: index),
                    addressType: family == .ipv4 ? .ipv4 : .ipv6,
                    endpoints: chunk.map(endpoint), ports: ports))
        }
    }
    return slices
}

private func sliceMetadata(service: Service, family: IPAddressFamily, index: Int) -> ObjectMeta {
    var owners: [OwnerReference] = []
    if let uid = service.metadata.uid {
        owners.append(
            OwnerReference(
                apiVersion: "v1", kind: "Service", name: service.metadata.name, uid: uid, controller: true,
                blockOwnerDeletion: true))
    }
    return ObjectMeta(
        name: EndpointSliceNaming.name(service: service.metadata.name, family: family, index: index),
        namespace: service.metadata.namespaceOrDefault,
        labels: [
            BarrelmanLabels.serviceNameLabel: service.metadata.name,
            BarrelmanLabels.managedByLabel: BarrelmanLabels.managedByValue,
        ],
        ownerReferences: owners)
}

private func endpoint(_ entry: NodeAddressEntry) -> Endpoint {
    Endpoint(
        addresses: [entry.address],
        conditions: EndpointConditions(ready: entry.ready, serving: entry.ready, terminating: false),
        nodeName: entry.nodeName, zone: entry.zone)
}
