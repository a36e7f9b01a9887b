import KubeAPI

/// One remote cluster serving a federated service, as the local cluster shows it (its slice set) or as its
/// own mirror sees it (its remote service).
public struct FederationSource: Sendable, Hashable {
    /// The remote's identity (`Ownership.identity`).
    public var identity: String
    /// The remote service's creationTimestamp (RFC 3339); nil when unknown, which ranks after every known one.
    public var created: String?
    /// The remote's mirrored ports (`desiredLocalService`'s form: targetPort is the remote node port).
    public var ports: [ServicePort]
    /// Failover priority, lower preferred; nil: after every numbered remote.
    public var priority: Int?
    /// Whether its slices hold a ready endpoint now.
    public var hasReadyEndpoint: Bool

    public init(identity: String, created: String?, ports: [ServicePort], priority: Int? = nil, hasReadyEndpoint: Bool = false) {
        self.identity = identity
        self.created = created
        self.ports = ports
        self.priority = priority
        self.hasReadyEndpoint = hasReadyEndpoint
    }

    /// This mirror's own source: its remote service (which must federate) and settings.
    public init(remote: Service, settings: ControllerSettings) {
        self.init(
            identity: settings.ownership.identity, created: remote.metadata.creationTimestamp,
            ports: desiredLocalService(for: remote, settings: settings).spec.ports, priority: settings.priority)
    }

    /// The sources recorded on a federated service's slices, one per identity, in the order `federationOrder` gives.
    public static func recorded(on slices: [EndpointSlice]) -> [FederationSource] {
        var byIdentity: [String: FederationSource] = [:]
        for slice in slices where BarrelmanLabels.isOurEndpointSlice(slice) {
            let meta = slice.metadata
            guard meta.labels[BarrelmanLabels.sourceClusterLabel] != nil,
                let identity = meta.annotations[BarrelmanLabels.remoteClusterAnnotation], !identity.isEmpty
            else { continue }
            let ready = slice.endpoints.contains { $0.conditions.ready != false }
            if var known = byIdentity[identity] {
                known.hasReadyEndpoint = known.hasReadyEndpoint || ready
                byIdentity[identity] = known
                continue
            }
            byIdentity[identity] = FederationSource(
                identity: identity, created: meta.annotations[BarrelmanLabels.sourceCreatedAnnotation],
                ports: decodePorts(meta.annotations[BarrelmanLabels.sourcePortsAnnotation] ?? ""),
                priority: meta.annotations[BarrelmanLabels.priorityAnnotation].flatMap { Int($0) },
                hasReadyEndpoint: ready)
        }
        return federationOrder(Array(byIdentity.values))
    }

    /// The ports annotation value: `name/protocol/port/nodePort`, comma-separated (port names are DNS labels).
    public static func encodePorts(_ ports: [ServicePort]) -> String {
        ports.map { port in
            let nodePort: Int
            if case .int(let value) = port.targetPort { nodePort = value } else { nodePort = 0 }
            return "\(port.name ?? "")/\(port.effectiveProtocol)/\(port.port)/\(nodePort)"
        }.joined(separator: ",")
    }

    /// Reads `encodePorts`; entries that are not one are skipped.
    public static func decodePorts(_ value: String) -> [ServicePort] {
        value.split(separator: ",").compactMap { entry in
            let parts = entry.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 4, let port = Int32(parts[2]), let nodePort = Int(parts[3]) else { return nil }
            return ServicePort(
                name: parts[0].isEmpty ? nil : String(parts[0]), protocol: String(parts[1]), port: port,
                targetPort: .int(nodePort))
        }
    }
}
