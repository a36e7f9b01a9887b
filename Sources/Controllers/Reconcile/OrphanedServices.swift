import KubeAPI

/// Local services this instance created whose remote service is gone or no longer qualifies (for example
/// removed while barrelman was down). Other instances' mirrors and unclaimed ones are never orphans. Only
/// meaningful when the remote cache is synced; sorted by namespace and name.
public func orphanedLocalServices(local: [Service], remote: [Service], settings: ControllerSettings) -> [Service] {
    var qualifying = Set<MirroredServiceName>()
    for service in remote where remoteServiceQualifies(service, settings: settings) {
        qualifying.insert(MirroredServiceName(service.metadata))
    }
    return
        local
        .filter {
            BarrelmanLabels.isManagedResource($0.metadata) && settings.ownership.claim($0.metadata) == .ours
                && !qualifying.contains(MirroredServiceName($0.metadata))
        }
        .sorted { MirroredServiceName($0.metadata) < MirroredServiceName($1.metadata) }
}

/// Namespace and name: how a local service finds its remote counterpart.
private struct MirroredServiceName: Hashable, Comparable {
    var namespace: String
    var name: String

    init(_ meta: ObjectMeta) {
        namespace = meta.namespaceOrDefault
        name = meta.name
    }

    static func < (lhs: Self, rhs: Self) -> Bool { (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name) }
}
