import KubeAPI

/// The keys of federated services (a remote service served by every remote that has it, KEP-1645's shape).
///
/// Everything the mirrors of one federated service need to know of each other stands on the local cluster, on
/// each source cluster's EndpointSlice set: its creation time (who writes the Service), its ports (the union),
/// its priority (failover). So mirrors in one process and mirrors in separate processes decide alike.
extension BarrelmanLabels {
    /// Remote service annotation that federates it (`federateValue`); on the local service, that it is federated.
    public static let federateAnnotation = "barrelman.tfw.io/federate"
    /// The `federate` value that federates a service.
    public static let federateValue = "true"
    /// EndpointSlice label naming the cluster whose nodes the slice holds (the Multi-Cluster Services API's).
    public static let sourceClusterLabel = "multicluster.kubernetes.io/source-cluster"
    /// Slice annotation: the creationTimestamp of the source cluster's remote service (the oldest writes the Service);
    /// also on the Service, for its writer's, until the writer's remote service goes.
    public static let sourceCreatedAnnotation = "barrelman.tfw.io/source-created"
    /// Slice annotation: the source cluster's mirrored ports, `name/protocol/port/nodePort` comma-separated.
    public static let sourcePortsAnnotation = "barrelman.tfw.io/source-ports"
    /// Slice annotation: the source cluster's failover priority (lower preferred); absent when it has none.
    public static let priorityAnnotation = "barrelman.tfw.io/priority"

    /// True when a local service is a federated mirror (served by every remote that has it).
    public static func isFederated(_ meta: ObjectMeta) -> Bool {
        isManagedResource(meta) && meta.annotations[federateAnnotation] == federateValue
    }
}

/// True when `remote` is mirrored (`remoteServiceQualifies`) as a federated service: annotated
/// `barrelman.tfw.io/federate: "true"`, or every service with `-federate`.
public func remoteServiceFederates(_ remote: Service, settings: ControllerSettings) -> Bool {
    (settings.federate || remote.metadata.annotations[BarrelmanLabels.federateAnnotation] == BarrelmanLabels.federateValue)
        && remoteServiceQualifies(remote, settings: settings)
}
