import KubeAPI

/// Local services barrelman created whose remote service is gone or no longer qualifies (for example removed
/// while barrelman was down). Only meaningful when the remote cache is synced; sorted by namespace and name.
public func orphanedLocalServices(local: [Service], remote: [Service], settings: ControllerSettings) -> [Service] {
    var qualifying = Set<ServiceName>()
    for service in remote where remoteServiceQualifies(service, settings: settings) {
        qualifying.insert(ServiceName(service.metadata))
    }
    return local
        .filter { BarrelmanLabels.isManagedResource($0.metadata) && !qualifying.contains(ServiceName($0.metadata)) }
        .sorted { ServiceName($0.metadata) < ServiceName($1.metadata) }
}

/// Namespace and name: how a local service finds its remote counterpart.
struct ServiceName: Hashable, Comparable {
    var namespace: String
    var name: String

    init(_ meta: ObjectMeta) {
        namespace = namespaceOf(meta)
        name = meta.name
    }

    static func < (lhs: Self, rhs: Self) -> Bool { (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name) }
}
