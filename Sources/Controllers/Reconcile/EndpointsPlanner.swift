import KubeAPI

/// What the NodeEndpointController does to one Endpoints object.
public enum EndpointsAction: Sendable, Hashable {
    case none
    case create(Endpoints)
    /// The existing object with barrelman's fields replaced; its metadata (resourceVersion, other labels) kept.
    case update(Endpoints)
}

/// Create, update or leave the Endpoints: writes only when the subsets or barrelman's labels or annotations
/// differ (the original rewrote every Endpoints on every node event). Whether barrelman may write `existing`
/// at all is `endpointDuty`'s decision, made before.
public func planEndpoints(desired: Endpoints, existing: Endpoints?) -> EndpointsAction {
    guard let existing else { return .create(desired) }
    let labelsMatch = ownedEndpointsLabelKeys.allSatisfy {
        existing.metadata.labels[$0] == desired.metadata.labels[$0]
    }
    let annotationsMatch = desired.metadata.annotations.allSatisfy { existing.metadata.annotations[$0.key] == $0.value }
    if labelsMatch && annotationsMatch && normalized(existing.subsets) == normalized(desired.subsets) { return .none }
    var updated = existing
    for key in ownedEndpointsLabelKeys {
        updated.metadata.labels[key] = desired.metadata.labels[key]
    }
    updated.metadata.annotations.merge(desired.metadata.annotations) { _, new in new }
    updated.subsets = desired.subsets
    return .update(updated)
}

/// The labels barrelman sets or removes on Endpoints (skip-mirror goes away when slices stop being written).
private let ownedEndpointsLabelKeys = [BarrelmanLabels.key, BarrelmanLabels.skipMirrorLabel]

/// Subsets in a canonical form: defaults applied and lists sorted, so order alone is never a change.
private func normalized(_ subsets: [EndpointSubset]) -> [EndpointSubset] {
    let addressOrder: (EndpointAddress, EndpointAddress) -> Bool = {
        ($0.ip, $0.nodeName ?? "") < ($1.ip, $1.nodeName ?? "")
    }
    return subsets.map { subset in
        EndpointSubset(
            addresses: subset.addresses.sorted(by: addressOrder),
            notReadyAddresses: subset.notReadyAddresses.sorted(by: addressOrder),
            ports: subset.ports
                .map {
                    EndpointPort(
                        name: $0.name ?? "", port: $0.port, protocol: $0.protocol ?? "TCP", appProtocol: $0.appProtocol)
                }
                .sorted { ($0.name ?? "", $0.port, $0.protocol ?? "") < ($1.name ?? "", $1.port, $1.protocol ?? "") })
    }
}
