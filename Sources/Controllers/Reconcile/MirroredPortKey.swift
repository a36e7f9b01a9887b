import KubeAPI

/// A service port's identity: name, protocol and port. Ports are compared as a set of these, whatever their
/// order (the original's sort never ordered, so reordered ports counted as a change).
struct MirroredPortKey: Hashable, Comparable {
    var name: String
    var `protocol`: String
    var port: Int32

    init(_ port: ServicePort) {
        name = port.name ?? ""
        self.protocol = port.effectiveProtocol
        self.port = port.port
    }

    static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.name, lhs.protocol, lhs.port) < (rhs.name, rhs.protocol, rhs.port)
    }
}

/// The part of a service port barrelman owns, for comparison.
struct MirroredPortOwnedFields: Hashable {
    var targetPort: IntOrString?
    var nodePort: Int32?
}

/// The ports as a set keyed by identity; `includeNodePort` when the node port is barrelman's to set.
func mirroredPortFields(_ ports: [ServicePort], includeNodePort: Bool) -> [MirroredPortKey: MirroredPortOwnedFields] {
    var result: [MirroredPortKey: MirroredPortOwnedFields] = [:]
    for port in ports {
        result[MirroredPortKey(port)] = MirroredPortOwnedFields(
            targetPort: port.targetPort ?? .int(Int(port.port)), nodePort: includeNodePort ? port.nodePort : nil)
    }
    return result
}

/// Whether an update changes what a mirror's ports lead to: the one routine change worth an Event, as it
/// changes traffic under whoever uses the service (label or annotation refreshes do not).
public func mirroredPortsChange(from local: Service, to updated: Service) -> Bool {
    mirroredPortFields(local.spec.ports, includeNodePort: true) != mirroredPortFields(updated.spec.ports, includeNodePort: true)
}
