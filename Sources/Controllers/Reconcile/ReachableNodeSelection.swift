import KubeAPI

extension NodeAddressSet {
    /// The same entries with the nodes in `failing` not ready: a node whose probes fail takes no new traffic,
    /// as a not-ready one, and is never removed (its endpoint stays, not ready, so it comes back by one write).
    public func markingNotReady(_ failing: Set<String>) -> NodeAddressSet {
        guard !failing.isEmpty else { return self }
        func mark(_ entry: NodeAddressEntry) -> NodeAddressEntry {
            guard entry.ready, failing.contains(entry.nodeName) else { return entry }
            var marked = entry
            marked.ready = false
            return marked
        }
        return NodeAddressSet(ipv4: ipv4.map(mark), ipv6: ipv6.map(mark))
    }
}

/// The nodes of a service that routes to local endpoints only (`externalTrafficPolicy: Local`) once probes
/// have spoken: `failing` nodes (unreachable, or whose `healthCheckNodePort` says they hold no endpoint of
/// it) are not ready.
///
/// Fails open: when that leaves no ready node but the API alone would give some, the API's choice stands and
/// `failingOpen` says so. Every node of a service failing at once is as likely our side's fault (a
/// NetworkPolicy, a firewall in front of this cluster) as all of them failing, and no ready endpoint at all
/// would turn a probe problem into an outage.
public func reachableSelection(
    candidates: NodeAddressSet, hosting: Set<String>, failing: Set<String>
) -> (selection: EndpointNodeSelection, failingOpen: Bool) {
    let byAPI = EndpointNodeSelection(candidates: candidates, hosting: hosting)
    guard !failing.isEmpty else { return (byAPI, false) }
    let probed = EndpointNodeSelection(candidates: candidates.markingNotReady(failing), hosting: hosting)
    if probed.nodes.readyCount == 0 && byAPI.nodes.readyCount > 0 { return (byAPI, true) }
    return (probed, false)
}
