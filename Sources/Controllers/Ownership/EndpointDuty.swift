import KubeAPI

/// What this instance does about the endpoints of one local service.
public enum EndpointDuty: Sendable, Hashable {
    /// Keep its EndpointSlices/Endpoints in line with the remote nodes.
    case serve
    /// Not (or no longer) ours to serve: delete the slices and Endpoints this instance wrote for it, if any.
    case release
    /// Ours to serve, but another writer, described here, holds its endpoint objects: write nothing.
    case conflict(holder: String)
}

/// Decides whether this instance serves the endpoints of the local service `service` (nil: gone from the
/// cache, i.e. deleted, or its `tfw.io/barrelman` label removed or changed):
/// - a mirror (`managed-resource`) is served by the instance that owns it (`Ownership.claim`);
/// - a person's service (`true`) without selector in the `-namespace` allowlist is served by the instance its
///   `barrelman.tfw.io/remote-cluster` annotation names, or, without one, by the first instance that wrote
///   its endpoint objects (the others report a conflict);
/// - a federated mirror is served by every instance whose remote federates a service of its name
///   (`servesFederated`), each its own slice set; an instance whose remote does not releases its own set;
/// - anything else is released, whatever way barrelman stopped owning it, so no stale endpoints keep routing.
public func endpointDuty(
    service: Service?, existingSlices: [EndpointSlice], existingEndpoints: Endpoints?, settings: ControllerSettings,
    servesFederated: Bool = false
) -> EndpointDuty {
    guard let service, localServiceWantsEndpoints(service), service.metadata.deletionTimestamp == nil else {
        return .release
    }
    let ownership = settings.ownership
    if BarrelmanLabels.isFederated(service.metadata) {
        return servesFederated ? .serve : .release
    }
    if BarrelmanLabels.isManagedResource(service.metadata) {
        guard ownership.claim(service.metadata) == .ours else { return .release }
    } else {
        let namespace = service.metadata.namespaceOrDefault
        guard settings.allowedNamespaces.isEmpty || settings.allowedNamespaces.contains(namespace) else {
            return .release
        }
        if let named = service.metadata.annotations[BarrelmanLabels.remoteClusterAnnotation], !named.isEmpty,
            named != ownership.identity
        {
            return .release
        }
        // With a selector, Kubernetes' endpoints and EndpointSlice controllers serve it from its pods: writing
        // node endpoints too would fight the one (Endpoints) and mix into the other (slices).
        if !service.spec.selector.isEmpty {
            return .conflict(holder: "Kubernetes' endpoint controllers, as the service has a selector (remove it)")
        }
    }
    var claims = existingSlices.filter(BarrelmanLabels.isOurEndpointSlice).map { ownership.claim($0.metadata) }
    if let existingEndpoints, BarrelmanLabels.isOurEndpoints(existingEndpoints) {
        claims.append(ownership.claim(existingEndpoints.metadata))
    }
    for claim in claims {
        switch claim {
        case .foreign(let identity): return .conflict(holder: "the barrelman instance of remote cluster \(identity)")
        case .sibling: return .conflict(holder: "another barrelman instance of this remote cluster")
        case .ours, .unclaimed: continue
        }
    }
    return .serve
}
