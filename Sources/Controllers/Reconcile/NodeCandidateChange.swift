import KubeAPI

/// What a node change means for the services' node choices.
public enum NodeCandidateChange: Sendable, Hashable {
    /// Nothing any service's endpoints depend on changed.
    case none
    /// Only addresses of these nodes changed: every service keeps the same nodes (subsets, zones, readiness and
    /// exclusions are decided without addresses), so only the services using one of them have endpoints to write.
    case addresses(of: Set<String>)
    /// Nodes came, went, or changed readiness, zone or exclusion: any service's choice may differ.
    case membership
}

/// Classifies the change from `old` to `new` candidates (nil `old`: the first computation).
public func nodeCandidateChange(from old: NodeAddressSet?, to new: NodeAddressSet) -> NodeCandidateChange {
    guard let old else { return .membership }
    guard old != new else { return .none }
    var changed = Set<String>()
    for family in IPAddressFamily.allCases {
        let before = old.entries(of: family)
        let after = new.entries(of: family)
        guard before.count == after.count else { return .membership }
        // Both are sorted by node name and hold at most one entry per node and family, so entries pair up.
        for (was, now) in zip(before, after) {
            guard was.nodeName == now.nodeName, was.zone == now.zone, was.ready == now.ready,
                was.excludedFromLoadBalancers == now.excludedFromLoadBalancers
            else { return .membership }
            if was.address != now.address { changed.insert(now.nodeName) }
        }
    }
    return .addresses(of: changed)
}
