import KubeAPI

/// What the remote services cache keeps of each remote service (the informer's transform, as client-go's
/// `SetTransform`): only what qualification (`remoteServiceQualifies`), the mirror (`desiredLocalService`),
/// `externalTrafficPolicy: Local` routing and Events read. Labels, selector, cluster IPs, IP families,
/// target ports, status and the other annotations are dropped: at 10,000 remote services that halves the cache.
///
/// Kept: name, namespace, uid, resourceVersion (relists compare it), creationTimestamp (the oldest source of a
/// federated service writes it), the `tfw.io/barrelman`, `barrelman.tfw.io/export` and `barrelman.tfw.io/federate`
/// annotations (whatever `-require-export` and `-federate` are: the projection does not know them), the type, each port's name, protocol, port and node port, `externalTrafficPolicy` and
/// `healthCheckNodePort`. A controller that starts reading another remote field must add it here
/// (`RemoteServiceProjectionTests` pins the decisions).
public func remoteServiceProjection(_ remote: Service) -> Service {
    var annotations: [String: String] = [:]
    if let mark = remote.metadata.annotations[BarrelmanLabels.key] { annotations[BarrelmanLabels.key] = mark }
    if let export = remote.metadata.annotations[BarrelmanLabels.exportAnnotation] {
        annotations[BarrelmanLabels.exportAnnotation] = export
    }
    if let federate = remote.metadata.annotations[BarrelmanLabels.federateAnnotation] {
        annotations[BarrelmanLabels.federateAnnotation] = federate
    }
    return Service(
        metadata: ObjectMeta(
            name: remote.metadata.name, namespace: remote.metadata.namespace, uid: remote.metadata.uid,
            resourceVersion: remote.metadata.resourceVersion, creationTimestamp: remote.metadata.creationTimestamp,
            annotations: annotations),
        spec: ServiceSpec(
            type: remote.spec.type,
            ports: remote.spec.ports.map {
                ServicePort(name: $0.name, protocol: $0.protocol, port: $0.port, nodePort: $0.nodePort)
            },
            externalTrafficPolicy: remote.spec.externalTrafficPolicy,
            healthCheckNodePort: remote.spec.healthCheckNodePort))
}
