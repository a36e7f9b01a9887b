import KubeAPI

/// The one action on the local Service of a federated service, for this mirror.
///
/// `others` are the other sources as the local slices record them. Exactly one mirror writes: the oldest
/// source (`federationWriter`); the others leave the Service alone, so nobody fights in the steady state. The
/// writer keeps the union of ports. When this mirror's remote service goes, the Service stays while another
/// source's slices remain (that source takes over writing once ours are gone); the writer of record deletes
/// it when no other source is left. A local service that is not a federated mirror keeps today's rule
/// (`planService`): a plain mirror of ours is taken over, anyone else's is a conflict.
public func planFederatedService(
    remote: Service?, local: Service?, others: [FederationSource], settings: ControllerSettings
) -> ServiceAction {
    let ownership = settings.ownership
    let wanted = remote.flatMap { remoteServiceFederates($0, settings: settings) ? $0 : nil }
    if let local {
        if !BarrelmanLabels.isFederated(local.metadata), let holder = otherHolder(of: local, settings: settings) {
            return wanted == nil ? .none : .conflict(holder: holder)
        }
        guard local.metadata.deletionTimestamp == nil else { return .none }
    }
    let others = others.filter { $0.identity != ownership.identity }
    guard let remote = wanted else {
        guard let local, ownership.claim(local.metadata) == .ours, others.isEmpty else { return .none }
        return .delete(namespace: local.metadata.namespaceOrDefault, name: local.metadata.name, uid: local.metadata.uid)
    }
    let sources = others + [FederationSource(remote: remote, settings: settings)]
    guard federationWriter(sources) == ownership.identity else { return .none }
    let desired = desiredFederatedService(for: remote, ports: federatedPorts(sources).union, settings: settings)
    guard let local else { return .create(desired) }
    guard !ownedFieldsEqual(desired: desired, local: local, settings: settings) else { return .none }
    return .update(merging(desired, into: local, settings: settings))
}

/// The local Service of a federated service as its writer wants it: its own mirror with the union of ports,
/// marked federated.
func desiredFederatedService(for remote: Service, ports: [ServicePort], settings: ControllerSettings) -> Service {
    var service = desiredLocalService(for: remote, settings: settings)
    service.metadata.annotations[BarrelmanLabels.federateAnnotation] = BarrelmanLabels.federateValue
    service.spec.ports = ports.map { port in
        var port = port
        if settings.createNodePortServices, case .int(let value) = port.targetPort { port.nodePort = Int32(value) }
        return port
    }
    return service
}
