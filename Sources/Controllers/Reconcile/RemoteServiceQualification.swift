import KubeAPI

extension ObjectMeta {
    /// The namespace, or Kubernetes' `default` when the object carries none.
    var namespaceOrDefault: String {
        namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
    }
}

/// The remote ports that can be mirrored: those with a node port (others are unreachable from outside).
public func mirrorablePorts(of remote: Service) -> [ServicePort] {
    remote.spec.ports.filter { ($0.nodePort ?? 0) > 0 }
}

/// True when the remote service is to be mirrored: NodePort (or LoadBalancer when enabled), in a mirrored
/// namespace, not annotated `ignore`, exported when exports are required, with at least one port that has a
/// node port.
public func remoteServiceQualifies(_ remote: Service, settings: ControllerSettings) -> Bool {
    let typeMirrored =
        remote.spec.type == .nodePort || (settings.mirrorLoadBalancer && remote.spec.type == .loadBalancer)
    return typeMirrored
        && settings.isNamespaceMirrored(remote.metadata.namespaceOrDefault)
        && remote.metadata.annotations[BarrelmanLabels.key] != BarrelmanLabels.ignore
        && (!settings.requireExport || isExported(remote))
        && !mirrorablePorts(of: remote).isEmpty
}

/// True when the remote service is annotated `barrelman.tfw.io/export: "true"`.
public func isExported(_ remote: Service) -> Bool {
    remote.metadata.annotations[BarrelmanLabels.exportAnnotation] == BarrelmanLabels.exportValue
}

/// The local namespace that must exist before the mirror of `remote` can be created; nil when it is not mirrored.
public func namespaceNeeded(for remote: Service, settings: ControllerSettings) -> String? {
    remoteServiceQualifies(remote, settings: settings) ? remote.metadata.namespaceOrDefault : nil
}
