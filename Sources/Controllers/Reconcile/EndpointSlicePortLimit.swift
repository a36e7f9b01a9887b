import KubeAPI

/// The most ports one EndpointSlice may carry (kube-apiserver's validation refuses more).
public let maxEndpointSlicePorts = 100

/// The ports a service's EndpointSlices carry: its resolved ports in service order, at most `maxEndpointSlicePorts`.
func endpointSlicePorts(_ resolution: EndpointPortResolution) -> [EndpointSlicePort] {
    resolution.ports.prefix(maxEndpointSlicePorts).map {
        EndpointSlicePort(name: $0.name ?? "", port: $0.port, protocol: $0.protocol)
    }
}

/// One line when the service has more ports than a slice can carry, naming what is left out and what to do;
/// nil otherwise. Endpoints (no such limit) still carry every port.
public func endpointSlicePortLimitWarning(for service: Service) -> String? {
    let ports = EndpointPortResolution(service: service).ports
    guard ports.count > maxEndpointSlicePorts else { return nil }
    let left = ports[maxEndpointSlicePorts...].map { $0.name ?? String($0.port) }
    let shown = left.prefix(5).joined(separator: ", ") + (left.count > 5 ? ", ..." : "")
    return "service \(service.metadata.namespaceOrDefault)/\(service.metadata.name) has \(ports.count) ports but an "
        + "EndpointSlice holds at most \(maxEndpointSlicePorts): ports \(shown) get no endpoints; "
        + "split the service or use -endpoints-mode=endpoints"
}
