import KubeAPI
import Synchronization

/// The remote nodes each service's endpoints were last computed from, for services that use only some of them
/// (a `-nodes-per-service` subset, or the nodes hosting an `externalTrafficPolicy: Local` service's pods).
/// When only node addresses change, the services to reconcile are those using one of the changed nodes: at
/// 5000 nodes and 25 per service, a node's new IP is about 50 reconciles, not one per service.
///
/// A service without an entry (not computed yet, or using every node) always counts as affected. An entry can
/// lag behind a change of which nodes a service uses only while that service is queued or being reconciled,
/// and the queue reconciles it again with the current nodes.
final class ServiceNodeIndex: Sendable {
    private let nodesByService = Mutex<[ObjectKey: [String]]>([:])

    /// Records the nodes `service` uses; nil when it uses every candidate.
    func record(_ service: ObjectKey, nodes: NodeAddressSet?) {
        // Node names are shared with the node cache's strings, so an entry is an array of references.
        let names = nodes.map { Array(Set($0.all.map(\.nodeName))) }
        nodesByService.withLock { $0[service] = names }
    }

    func forget(_ service: ObjectKey) {
        _ = nodesByService.withLock { $0.removeValue(forKey: service) }
    }

    /// Whether a change of the addresses of `changed` nodes can change `service`'s endpoints.
    func uses(_ service: ObjectKey, anyOf changed: Set<String>) -> Bool {
        nodesByService.withLock { index in
            guard let names = index[service] else { return true }
            return names.contains { changed.contains($0) }
        }
    }
}
