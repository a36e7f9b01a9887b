import KubeAPI

/// Each service's share of the remote nodes when `-nodes-per-service N` bounds its endpoints.
///
/// Rendezvous (highest-random-weight) hashing of (service, node): each service ranks every node by a weight
/// only the pair decides, so a node joining or leaving changes only the services whose top N it enters or
/// leaves (about N/nodes of them), and a restart chooses the same nodes. The N are spread evenly over
/// zones (`topology.kubernetes.io/zone`), as GKE's subsetting for internal load balancers spreads its 25
/// nodes per zone; a zone with fewer nodes than its share gives the rest to the others. Ready nodes are
/// chosen first: a not-ready node fills a subset only when fewer than N nodes are ready.
///
/// Built once per node change; `choose` then costs one multiply-xorshift per node and service, so a node
/// change at 5000 nodes x 10000 services stays well under a second.
public struct NodeSubset: Sendable {
    private struct Candidate: Sendable {
        var name: String
        var hash: UInt64
    }

    private let nodes: NodeAddressSet
    private let nodeCount: Int
    /// Each node's entry per address family, so a choice is built from its N nodes, not a scan of all.
    private let ipv4ByName: [String: NodeAddressEntry]
    private let ipv6ByName: [String: NodeAddressEntry]
    /// Ready nodes by zone, zones sorted by name.
    private let readyByZone: [(zone: String, zoneHash: UInt64, nodes: [Candidate])]
    private let notReady: [Candidate]

    public init(nodes: NodeAddressSet) {
        self.nodes = nodes
        var ready: [String: [Candidate]] = [:]
        var notReady: [String: Candidate] = [:]
        var seen = Set<String>()
        ipv4ByName = Dictionary(nodes.ipv4.map { ($0.nodeName, $0) }, uniquingKeysWith: { first, _ in first })
        ipv6ByName = Dictionary(nodes.ipv6.map { ($0.nodeName, $0) }, uniquingKeysWith: { first, _ in first })
        for entry in nodes.all where seen.insert(entry.nodeName).inserted {
            let candidate = Candidate(name: entry.nodeName, hash: StableHash.of(entry.nodeName))
            if entry.ready {
                ready[entry.zone ?? "", default: []].append(candidate)
            } else {
                notReady[entry.nodeName] = candidate
            }
        }
        nodeCount = seen.count
        readyByZone = ready.keys.sorted().map { ($0, StableHash.of("zone", $0), ready[$0] ?? []) }
        self.notReady = notReady.keys.sorted().compactMap { notReady[$0] }
    }

    /// The entries of the nodes chosen for `service` (every address of a chosen node, in the set's order).
    public func choose(service: ObjectKey, count: Int) -> NodeAddressSet {
        guard count > 0, nodeCount > count else { return nodes }
        let serviceHash = StableHash.of(service.namespace ?? "", service.name)
        var chosen = Set<String>()
        for (zone, share) in zoneShares(serviceHash: serviceHash, count: count) {
            for candidate in Self.top(share, of: readyByZone[zone].nodes, serviceHash: serviceHash) {
                chosen.insert(candidate.name)
            }
        }
        if chosen.count < count {
            for candidate in Self.top(count - chosen.count, of: notReady, serviceHash: serviceHash) {
                chosen.insert(candidate.name)
            }
        }
        let order: (NodeAddressEntry, NodeAddressEntry) -> Bool = {
            ($0.nodeName, $0.address) < ($1.nodeName, $1.address)
        }
        return NodeAddressSet(
            ipv4: chosen.compactMap { ipv4ByName[$0] }.sorted(by: order),
            ipv6: chosen.compactMap { ipv6ByName[$0] }.sorted(by: order))
    }

    /// How many ready nodes each zone (by index) gives: an even share, capped by what a zone has, the rest
    /// spread again (water-filling); which zones take a remainder varies by service, so a small N still
    /// covers every zone across services.
    private func zoneShares(serviceHash: UInt64, count: Int) -> [Int: Int] {
        var order = readyByZone.indices.sorted {
            (Self.weight(serviceHash, readyByZone[$0].zoneHash), $1) > (Self.weight(serviceHash, readyByZone[$1].zoneHash), $0)
        }
        var shares: [Int: Int] = [:]
        var left = count
        while left > 0 && !order.isEmpty {
            let each = max(1, left / order.count)
            for zone in order where left > 0 {
                let take = min(each, readyByZone[zone].nodes.count - shares[zone, default: 0], left)
                shares[zone, default: 0] += take
                left -= take
            }
            order.removeAll { shares[$0, default: 0] >= readyByZone[$0].nodes.count }
        }
        return shares
    }

    /// The `k` candidates of highest weight for the service (ties by name), without sorting them all.
    private static func top(_ k: Int, of candidates: [Candidate], serviceHash: UInt64) -> [Candidate] {
        guard k > 0 else { return [] }
        guard candidates.count > k else { return candidates }
        // Ascending by (weight, reversed name): the weakest kept candidate is first.
        var kept: [(weight: UInt64, candidate: Candidate)] = []
        kept.reserveCapacity(k + 1)
        func stronger(_ a: (weight: UInt64, candidate: Candidate), _ b: (weight: UInt64, candidate: Candidate)) -> Bool {
            a.weight != b.weight ? a.weight > b.weight : a.candidate.name < b.candidate.name
        }
        for candidate in candidates {
            let entry = (weight: weight(serviceHash, candidate.hash), candidate: candidate)
            if kept.count == k {
                guard stronger(entry, kept[0]) else { continue }
                kept.removeFirst()
            }
            let at = kept.firstIndex { stronger($0, entry) } ?? kept.count
            kept.insert(entry, at: at)
        }
        return kept.map(\.candidate)
    }

    /// The pair's rendezvous weight: a splitmix64 finaliser of the two stable hashes, so a restart (a new
    /// process, a new Swift `Hasher` seed) chooses the same nodes.
    public static func weight(_ service: UInt64, _ node: UInt64) -> UInt64 {
        var hash = service ^ (node &* 0x9e37_79b9_7f4a_7c15)
        hash ^= hash >> 30
        hash = hash &* 0xbf58_476d_1ce4_e5b9
        hash ^= hash >> 27
        hash = hash &* 0x94d0_49bb_1331_11eb
        return hash ^ (hash >> 31)
    }
}
