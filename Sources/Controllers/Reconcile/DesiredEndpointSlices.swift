import KubeAPI

/// The EndpointSlices of a local service: per address family, slices of at most `maxEndpointsPerSlice`
/// nodes and `maxEndpointSlicePorts` ports with deterministic names, owned by the service. With no nodes at all, one empty IPv4 slice, so
/// consumers see "no endpoints" explicitly.
///
/// Without `existing`, nodes are chunked in name order. With the service's current slices, nodes stay in the
/// slice they are in, so a node added or removed changes one slice (see `EndpointSlicePlacement`).
///
/// With `federation`, they are one source cluster's set of a federated service: named, labelled and annotated
/// as that source's (`FederatedSliceSet`), its endpoints not ready while it stands by.
public func desiredEndpointSlices(
    for service: Service, nodes: NodeAddressSet, settings: ControllerSettings, existing: [EndpointSlice] = [],
    federation: FederatedSliceSet? = nil
) -> [EndpointSlice] {
    let ports = endpointSlicePorts(EndpointPortResolution(service: service))
    let chunkSize = settings.maxEndpointsPerSlice
    var slices: [EndpointSlice] = []
    for family in IPAddressFamily.allCases {
        var chunks = EndpointSlicePlacement.place(
            nodes.entries(of: family), family: family, service: service.metadata.name, capacity: chunkSize,
            existing: existing, source: federation?.source)
        if family == .ipv4 && nodes.isEmpty { chunks = [(index: 0, entries: [])] }
        for (index, chunk) in chunks {
            var metadata = sliceMetadata(service: service, family: family, index: index, settings: settings)
            var endpoints = chunk.map(endpoint)
            if let federation {
                metadata.name = EndpointSliceNaming.name(
                    service: service.metadata.name, family: family, index: index, source: federation.source)
                metadata.labels.merge(federation.labels) { _, new in new }
                metadata.annotations.merge(federation.annotations) { _, new in new }
                if federation.standsBy {
                    for index in endpoints.indices { endpoints[index].conditions = EndpointConditions(ready: false, serving: false, terminating: false) }
                }
            }
            slices.append(
                EndpointSlice(
                    metadata: metadata, addressType: family == .ipv4 ? .ipv4 : .ipv6, endpoints: endpoints, ports: ports))
        }
    }
    return slices
}

private func sliceMetadata(
    service: Service, family: IPAddressFamily, index: Int, settings: ControllerSettings
) -> ObjectMeta {
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
        annotations: settings.ownership.annotations, ownerReferences: owners)
}

private func endpoint(_ entry: NodeAddressEntry) -> Endpoint {
    Endpoint(
        addresses: [entry.address],
        conditions: EndpointConditions(ready: entry.ready, serving: entry.ready, terminating: false),
        nodeName: entry.nodeName, zone: entry.zone)
}
