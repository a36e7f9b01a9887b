import KubeAPI

/// The sources in MCS order: the oldest remote service first, ties (and unknown times, last) by identity.
public func federationOrder(_ sources: [FederationSource]) -> [FederationSource] {
    sources.sorted { ($0.created ?? "~", $0.identity) < ($1.created ?? "~", $1.identity) }
}

/// The identity that writes the local Service of a federated service: the oldest source, as in MCS; nil without any.
public func federationWriter(_ sources: [FederationSource]) -> String? {
    federationOrder(sources).first?.identity
}

/// The ports of a federated service: the union, and each source's share of it.
public struct FederatedPorts: Sendable, Hashable {
    /// The local Service's ports: every source's, in source order, without the ones that conflict.
    public var union: [ServicePort] = []
    /// Per identity, the ports its slices carry (its own, less the conflicting ones).
    public var accepted: [String: [ServicePort]] = [:]
    /// Per identity, a line for each of its ports left out, naming the older source that holds the name.
    public var conflicts: [String: [String]] = [:]
}

/// Merges the sources' ports: a port is the same when name, protocol and port agree. A port whose name an older
/// source uses with another protocol or port, or whose protocol and port an older source uses under another
/// name (the API rejects both in one Service), is left out of the union and of its source's slices.
public func federatedPorts(_ sources: [FederationSource]) -> FederatedPorts {
    var result = FederatedPorts()
    var byName: [String: (port: ServicePort, holder: String)] = [:]
    var byNumber: [String: (port: ServicePort, holder: String)] = [:]
    for source in federationOrder(sources) {
        var accepted: [ServicePort] = []
        for port in source.ports {
            let name = port.name ?? ""
            let number = "\(port.effectiveProtocol)/\(port.port)"
            let sameName = byName[name]
            let sameNumber = byNumber[number]
            let agrees = { (held: ServicePort) in
                (held.name ?? "") == name && held.effectiveProtocol == port.effectiveProtocol && held.port == port.port
            }
            if let clash = [sameName, sameNumber].compactMap({ $0 }).first(where: { !agrees($0.port) }) {
                let held = clash.port
                result.conflicts[source.identity, default: []].append(
                    "port \"\(name)\" (\(port.effectiveProtocol) \(port.port)) conflicts with \"\(held.name ?? "")\" "
                        + "(\(held.effectiveProtocol) \(held.port)) of the older \(clash.holder)")
                continue
            }
            accepted.append(port)
            if sameName == nil {
                result.union.append(port)
                byName[name] = (port, source.identity)
                byNumber[number] = (port, source.identity)
            }
        }
        result.accepted[source.identity] = accepted
    }
    return result
}

/// Failover: true when a source ranked before `priority` (lower number; no priority ranks last) has a ready
/// endpoint, so this source's endpoints stand by (not ready). Equal priorities share the traffic.
public func federationStandsBy(priority: Int?, others: [FederationSource]) -> Bool {
    let rank = priority ?? Int.max
    return others.contains { $0.hasReadyEndpoint && ($0.priority ?? Int.max) < rank }
}
