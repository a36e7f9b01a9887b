import KubeAPI

/// The local mirror of a remote service, holding only the fields barrelman owns (nothing server-populated).
public func desiredLocalService(for remote: Service, settings: ControllerSettings) -> Service {
    var annotations = settings.ownership.annotations
    if let uid = remote.metadata.uid { annotations[BarrelmanLabels.remoteUIDAnnotation] = uid }
    let ports = mirrorablePorts(of: remote).map { port in
        ServicePort(
            name: port.name, protocol: port.effectiveProtocol, port: port.port,
            targetPort: .int(Int(port.nodePort ?? 0)),
            nodePort: settings.createNodePortServices ? port.nodePort : nil)
    }
    return Service(
        metadata: ObjectMeta(
            name: remote.metadata.name, namespace: remote.metadata.namespaceOrDefault,
            labels: [BarrelmanLabels.key: BarrelmanLabels.managedResource], annotations: annotations),
        spec: ServiceSpec(type: settings.createNodePortServices ? .nodePort : .clusterIP, ports: ports))
}
