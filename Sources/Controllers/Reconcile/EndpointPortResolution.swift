import KubeAPI

/// One service port as the endpoints serve it.
public struct ResolvedEndpointPort: Sendable, Hashable {
    /// The service port's name.
    public var name: String?
    public var `protocol`: String
    public var port: Int32
}

/// The endpoint ports of a selector-less service, and why some ports could not be given one.
public struct EndpointPortResolution: Sendable, Hashable {
    /// The ports that resolved, in service order.
    public var ports: [ResolvedEndpointPort]
    /// One line per port left out.
    public var warnings: [String]

    /// Each port serves its integer targetPort (no targetPort: the port itself). A targetPort given by NAME
    /// names a container port, which a service without pods cannot resolve: it is left out and reported
    /// (the original wrote port 0).
    public init(service: Service) {
        var ports: [ResolvedEndpointPort] = []
        var warnings: [String] = []
        for port in service.spec.ports {
            let number: Int
            switch port.targetPort {
            case nil: number = Int(port.port)
            case .int(let value): number = value
            case .string(let name):
                // Kubernetes accepts a numeric string here; anything else is a container port name.
                guard let value = Int(name) else {
                    warnings.append(
                        "service \(service.metadata.namespaceOrDefault)/\(service.metadata.name) port "
                            + "\"\(port.name ?? String(port.port))\" has targetPort \"\(name)\" by name, which a service "
                            + "without selector cannot resolve; it is left out of the endpoints: set a numeric targetPort"
                    )
                    continue
                }
                number = value
            }
            guard (1...65535).contains(number) else {
                warnings.append(
                    "service \(service.metadata.namespaceOrDefault)/\(service.metadata.name) port "
                        + "\"\(port.name ?? String(port.port))\" has targetPort \(number), outside 1-65535; "
                        + "it is left out of the endpoints: set a valid targetPort")
                continue
            }
            ports.append(ResolvedEndpointPort(name: port.name, protocol: port.effectiveProtocol, port: Int32(number)))
        }
        self.ports = ports
        self.warnings = warnings
    }
}
