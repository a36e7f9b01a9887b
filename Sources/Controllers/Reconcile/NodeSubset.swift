import KubeAPI

/// A service's share of the remote nodes when `-nodes-per-service N` bounds its endpoints.
///
/// Rendezvous (highest-random-weight) hashing of (service, node): each service ranks every node by a weight
/// only the pair decides, so a node joining or leaving changes only the services whose top N it enters or
/// leaves (about N/nodes of them), and a restart chooses the same nodes. The N are spread evenly over
/// zones (`topology.kubernetes.io/zone`), as GKE's subsetting for internal load balancers spreads its 25
/// nodes per zone; a zone with fewer nodes than its share gives the rest to the others. Ready nodes are
/// chosen first: a not-ready node fills a subset only when fewer than N nodes are ready.
public enum NodeSubset {
    /// The entries of the chosen nodes (every address of a chosen node, in `nodes`' order).
    public static func choose(from nodes: NodeAddressSet, service: ObjectKey, count: Int) -> NodeAddressSet {
        let names = Set(nodes.all.map(\.nodeName))
        guard count > 0, names.count > count else { return nodes }
        let byName = Dictionary(nodes.all.map { ($0.nodeName, $0) }, uniquingKeysWith: { first, _ in first })
        let ready = names.filter { byName[$0]?.ready == true }
        let salt = "\(service.namespace ?? "")/\(service.name)"
        var chosen = spread(ready, zoneOf: { byName[$0]?.zone ?? "" }, count: count, salt: salt)
        if chosen.count < count {
            let notReady = names.subtracting(ready)
            chosen.formUnion(ranked(notReady, salt: salt).prefix(count - chosen.count))
        }
        return nodes.filter { chosen.contains($0.nodeName) }
    }

    /// `count` of `names`, spread evenly over their zones, each zone's by rendezvous rank.
    static func spread(_ names: Set<String>, zoneOf: (String) -> String, count: Int, salt: String) -> Set<String> {
        guard names.count > count else { return names }
        let zones = Dictionary(grouping: names, by: zoneOf).mapValues { ranked(Set($0), salt: salt) }
        // Which zones take the remainder varies by service, so small N still spreads over every zone.
        var order = zones.keys.sorted { weight(salt, "zone:" + $0) > weight(salt, "zone:" + $1) }
        var shares = Dictionary(uniqueKeysWithValues: order.map { ($0, 0) })
        var left = count
        // Water-filling: an even share each round, capped by what each zone has.
        while left > 0 && !order.isEmpty {
            let each = max(1, left / order.count)
            for zone in order where left > 0 {
                let room = (zones[zone]?.count ?? 0) - (shares[zone] ?? 0)
                let take = min(each, room, left)
                shares[zone, default: 0] += take
                left -= take
            }
            order.removeAll { (shares[$0] ?? 0) >= (zones[$0]?.count ?? 0) }
        }
        var chosen = Set<String>()
        for (zone, share) in shares { chosen.formUnion(zones[zone]?.prefix(share) ?? []) }
        return chosen
    }

    /// `names` by descending rendezvous weight for the service (ties by name, so the order is total).
    static func ranked(_ names: Set<String>, salt: String) -> [String] {
        names.map { (name: $0, weight: weight(salt, $0)) }
            .sorted { ($0.weight, $1.name) > ($1.weight, $0.name) }
            .map(\.name)
    }

    /// The pair's rendezvous weight: stable across processes and machines (see `StableHash`), so a restart
    /// chooses the same nodes.
    public static func weight(_ service: String, _ node: String) -> UInt64 { StableHash.of(service, node) }
}
