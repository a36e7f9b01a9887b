import KubeAPI

/// The writes that bring a service's EndpointSlices in line with the desired ones.
public struct EndpointSlicePlan: Sendable, Hashable {
    /// Slices to create.
    public var create: [EndpointSlice] = []
    /// Existing slices with barrelman's fields replaced; their metadata (resourceVersion, others' labels) kept.
    public var update: [EndpointSlice] = []
    /// Slices barrelman wrote that are no longer wanted; delete with their uid as precondition, before creating.
    public var delete: [EndpointSlice] = []

    public init(create: [EndpointSlice] = [], update: [EndpointSlice] = [], delete: [EndpointSlice] = []) {
        self.create = create
        self.update = update
        self.delete = delete
    }

    /// True when nothing needs writing.
    public var isEmpty: Bool { create.isEmpty && update.isEmpty && delete.isEmpty }
}

/// Compares the desired slices with the existing slices of the service, by name and only on fields barrelman
/// owns. Slices of other controllers and other barrelman instances are never touched; this instance's that are
/// not desired are deleted; unclaimed barrelman slices (no writer recorded) are adopted when desired.
public func planEndpointSlices(
    desired: [EndpointSlice], existing: [EndpointSlice], ownership: Ownership
) -> EndpointSlicePlan {
    var plan = EndpointSlicePlan()
    var ours: [String: EndpointSlice] = [:]
    var unclaimed: [String: EndpointSlice] = [:]
    for slice in existing where BarrelmanLabels.isOurEndpointSlice(slice) {
        switch ownership.claim(slice.metadata) {
        case .ours: ours[slice.metadata.name] = slice
        case .unclaimed: unclaimed[slice.metadata.name] = slice
        case .sibling, .foreign: continue
        }
    }
    for (name, slice) in unclaimed where desired.contains(where: { $0.metadata.name == name }) { ours[name] = slice }
    for wanted in desired {
        guard let current = ours.removeValue(forKey: wanted.metadata.name) else {
            plan.create.append(wanted)
            continue
        }
        if current.addressType != wanted.addressType {
            // addressType is immutable: replace the slice.
            plan.delete.append(current)
            plan.create.append(wanted)
        } else if !ownedSliceFieldsEqual(wanted, current) {
            plan.update.append(mergingSlice(wanted, into: current))
        }
    }
    plan.delete += ours.values.sorted { $0.metadata.name < $1.metadata.name }
    return plan
}

private func ownedSliceFieldsEqual(_ wanted: EndpointSlice, _ current: EndpointSlice) -> Bool {
    wanted.endpoints == current.endpoints
        && normalizedPorts(wanted.ports) == normalizedPorts(current.ports)
        && wanted.metadata.labels.allSatisfy { current.metadata.labels[$0.key] == $0.value }
        && wanted.metadata.annotations.allSatisfy { current.metadata.annotations[$0.key] == $0.value }
        && mergedOwners(wanted, current) == current.metadata.ownerReferences
}

private func mergingSlice(_ wanted: EndpointSlice, into current: EndpointSlice) -> EndpointSlice {
    var merged = current
    merged.endpoints = wanted.endpoints
    merged.ports = wanted.ports
    merged.metadata.labels.merge(wanted.metadata.labels) { _, new in new }
    merged.metadata.annotations.merge(wanted.metadata.annotations) { _, new in new }
    merged.metadata.ownerReferences = mergedOwners(wanted, current)
    return merged
}

/// The current owner references with ours in place of any other controller reference (only one is allowed).
private func mergedOwners(_ wanted: EndpointSlice, _ current: EndpointSlice) -> [OwnerReference] {
    let ours = wanted.metadata.ownerReferences
    let ourUIDs = Set(ours.map(\.uid))
    let replaced: (OwnerReference) -> Bool = { $0.controller == true || ourUIDs.contains($0.uid) }
    // Keep matching references where they stand so an unchanged slice compares equal.
    if current.metadata.ownerReferences.filter(replaced) == ours { return current.metadata.ownerReferences }
    return current.metadata.ownerReferences.filter { !replaced($0) } + ours
}

private func normalizedPorts(_ ports: [EndpointSlicePort]) -> Set<EndpointSlicePort> {
    Set(
        ports.map {
            EndpointSlicePort(
                name: $0.name ?? "", port: $0.port, protocol: $0.protocol ?? "TCP", appProtocol: $0.appProtocol)
        })
}
