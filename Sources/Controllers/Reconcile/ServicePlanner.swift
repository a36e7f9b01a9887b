import KubeAPI

/// The one action that brings the local mirror in line with the remote service.
///
/// `remote` nil means the remote cache no longer holds it. Only mirrors this instance owns (`Ownership`)
/// are updated or deleted; an unclaimed mirror (the original's) is adopted when the remote service
/// qualifies, never deleted; a name held by another writer is a conflict, never a write. Writes happen only
/// when a field barrelman owns differs.
public func planService(remote: Service?, local: Service?, settings: ControllerSettings) -> ServiceAction {
    let wanted = remote.flatMap { remoteServiceQualifies($0, settings: settings) ? $0 : nil }
    if let local {
        if let holder = otherHolder(of: local, settings: settings) {
            return wanted == nil ? .none : .conflict(holder: holder)
        }
        if settings.ownership.claim(local.metadata) == .unclaimed && wanted == nil { return .none }
        // Already being deleted: wait for it to go; its delete event brings us back to re-create it.
        guard local.metadata.deletionTimestamp == nil else { return .none }
    }
    guard let remote = wanted else {
        guard let local else { return .none }
        return .delete(namespace: local.metadata.namespaceOrDefault, name: local.metadata.name, uid: local.metadata.uid)
    }
    let desired = desiredLocalService(for: remote, settings: settings)
    guard let local else { return .create(desired) }
    guard !ownedFieldsEqual(desired: desired, local: local, settings: settings) else { return .none }
    return .update(merging(desired, into: local, settings: settings))
}

/// Who holds a local service of a mirror's name when it is not this instance (nil: ours, or adoptable).
func otherHolder(of local: Service, settings: ControllerSettings) -> String? {
    guard BarrelmanLabels.isManagedResource(local.metadata) else {
        return "a service barrelman did not create (label \(BarrelmanLabels.key): \(local.metadata.labels[BarrelmanLabels.key] ?? "none"))"
    }
    switch settings.ownership.claim(local.metadata) {
    case .ours, .unclaimed: return nil
    case .sibling: return "another barrelman instance of this remote cluster"
    case .foreign(let identity): return "the barrelman instance of remote cluster \(identity)"
    }
}

/// True when every field barrelman owns already has the desired value: type, ports (as a set), no selector,
/// the ownership label and both annotations.
func ownedFieldsEqual(desired: Service, local: Service, settings: ControllerSettings) -> Bool {
    let ownsNodePorts = settings.createNodePortServices
    return local.spec.type == desired.spec.type
        && local.spec.selector.isEmpty
        && local.metadata.labels[BarrelmanLabels.key] == desired.metadata.labels[BarrelmanLabels.key]
        && desired.metadata.annotations.allSatisfy { local.metadata.annotations[$0.key] == $0.value }
        && local.spec.ports.count == desired.spec.ports.count
        && mirroredPortFields(local.spec.ports, includeNodePort: ownsNodePorts)
            == mirroredPortFields(desired.spec.ports, includeNodePort: ownsNodePorts)
}

/// The local service with barrelman's fields replaced by the desired ones and everything else kept
/// (clusterIP, resourceVersion, other labels and annotations, server-assigned node ports, appProtocol).
func merging(_ desired: Service, into local: Service, settings: ControllerSettings) -> Service {
    var merged = local
    merged.metadata.labels.merge(desired.metadata.labels) { _, new in new }
    merged.metadata.annotations.merge(desired.metadata.annotations) { _, new in new }
    merged.spec.type = desired.spec.type
    merged.spec.selector = [:]
    var localPorts: [MirroredPortKey: ServicePort] = [:]
    for port in local.spec.ports { localPorts[MirroredPortKey(port)] = port }
    merged.spec.ports = desired.spec.ports.map { wanted in
        var port = wanted
        let existing = localPorts[MirroredPortKey(wanted)]
        port.appProtocol = existing?.appProtocol
        // ClusterIP services may not carry node ports; otherwise keep what the server assigned unless we own it.
        if desired.spec.type == .clusterIP {
            port.nodePort = nil
        } else if !settings.createNodePortServices {
            port.nodePort = existing?.nodePort
        }
        return port
    }
    return merged
}
