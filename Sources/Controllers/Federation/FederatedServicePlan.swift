import KubeAPI

/// The one action on the local Service of a federated service, for this mirror.
///
/// `others` are the other sources as the local slices record them; the Service's writer counts as one too while
/// the Service records its creation time, so a younger source does not take the Service over before the
/// writer's slices exist. Exactly one mirror writes: the oldest source (`federationWriter`); the others leave
/// the Service alone, so nobody fights. The writer keeps the union of ports. When this mirror's remote service
/// goes, the Service stays while another source's slices remain: the writer withdraws its creation time (one
/// write), and the next oldest takes over once the writer's slices are gone; the writer of record deletes the
/// Service when no other source is left. A local service that is not a federated mirror keeps today's rule
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
    var others = others.filter { $0.identity != ownership.identity }
    guard let remote = wanted else {
        guard let local, ownership.claim(local.metadata) == .ours else { return .none }
        guard others.isEmpty else {
            guard local.metadata.annotations[BarrelmanLabels.sourceCreatedAnnotation] != nil else { return .none }
            var withdrawn = local
            withdrawn.metadata.annotations[BarrelmanLabels.sourceCreatedAnnotation] = nil
            return .update(withdrawn)
        }
        return .delete(namespace: local.metadata.namespaceOrDefault, name: local.metadata.name, uid: local.metadata.uid)
    }
    if let local, let writer = local.metadata.annotations[BarrelmanLabels.remoteClusterAnnotation],
        let created = local.metadata.annotations[BarrelmanLabels.sourceCreatedAnnotation],
        writer != ownership.identity, !others.contains(where: { $0.identity == writer })
    {
        others.append(FederationSource(identity: writer, created: created, ports: []))
    }
    let sources = others + [FederationSource(remote: remote, settings: settings)]
    guard federationWriter(sources) == ownership.identity else { return .none }
    let desired = desiredFederatedService(for: remote, ports: federatedPorts(sources).union, settings: settings)
    guard let local else { return .create(desired) }
    guard !ownedFieldsEqual(desired: desired, local: local, settings: settings) else { return .none }
    return .update(merging(desired, into: local, settings: settings))
}

/// The local Service of a federated service as its writer wants it: its own mirror with the union of ports,
/// marked federated, with its remote service's creation time.
func desiredFederatedService(for remote: Service, ports: [ServicePort], settings: ControllerSettings) -> Service {
    var service = desiredLocalService(for: remote, settings: settings)
    service.metadata.annotations[BarrelmanLabels.federateAnnotation] = BarrelmanLabels.federateValue
    if let created = remote.metadata.creationTimestamp {
        service.metadata.annotations[BarrelmanLabels.sourceCreatedAnnotation] = created
    }
    service.spec.ports = ports.map { port in
        var port = port
        if settings.createNodePortServices, case .int(let value) = port.targetPort { port.nodePort = Int32(value) }
        return port
    }
    return service
}
