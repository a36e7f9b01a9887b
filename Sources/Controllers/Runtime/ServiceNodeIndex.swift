import KubeAPI
import Synchronization

/// The remote nodes each service's endpoints were last computed from, and what probing them needs.
///
/// For services that use only some nodes (a `-nodes-per-service` subset, or the nodes hosting an
/// `externalTrafficPolicy: Local` service's pods): when only node addresses change, the services to reconcile
/// are those using one of the changed nodes (at 5000 nodes and 25 per service, a node's new IP is about 50
/// reconciles, not one per service). A service without nodes recorded (not computed yet, or using every
/// node) always counts as affected. An entry can lag behind a change of which nodes a service uses only while
/// that service is queued or being reconciled, and the queue reconciles it again with the current nodes.
///
/// The prober reads the union: which nodes some service uses, a node port to connect to, and the Local
/// services' health checks. The union is kept by reference counts, so a round costs nothing per service.
final class ServiceNodeIndex: Sendable {
    struct Usage {
        /// nil: every candidate node.
        var nodes: [String]?
        /// A node port any node forwards (`externalTrafficPolicy: Cluster`).
        var clusterNodePort: Int?
        var healthCheck: ServiceHealthCheck?
    }

    private struct State {
        var byService: [ObjectKey: Usage] = [:]
        var servicesUsingEveryNode = 0
        var nodeUseCount: [String: Int] = [:]
        var clusterPortUseCount: [Int: Int] = [:]
        var healthChecks: [ObjectKey: ServiceHealthCheck] = [:]

        mutating func add(_ usage: Usage, of service: ObjectKey, sign: Int) {
            if let nodes = usage.nodes {
                for node in nodes { nodeUseCount[node, default: 0] += sign }
                if sign < 0 { nodeUseCount = nodeUseCount.filter { $0.value > 0 } }
            } else {
                servicesUsingEveryNode += sign
            }
            if let port = usage.clusterNodePort {
                clusterPortUseCount[port, default: 0] += sign
                if clusterPortUseCount[port] == 0 { clusterPortUseCount[port] = nil }
            }
            if usage.healthCheck != nil { healthChecks[service] = sign > 0 ? usage.healthCheck : nil }
        }
    }

    private let state = Mutex(State())

    /// Records the nodes `service` uses (nil when it uses every candidate) and how to probe them.
    func record(
        _ service: ObjectKey, nodes: NodeAddressSet?, clusterNodePort: Int? = nil, healthCheck: ServiceHealthCheck? = nil
    ) {
        // Node names are shared with the node cache's strings, so an entry is an array of references.
        let usage = Usage(
            nodes: nodes.map { Array(Set($0.all.map(\.nodeName))) }, clusterNodePort: clusterNodePort,
            healthCheck: healthCheck)
        state.withLock { state in
            if let old = state.byService[service] { state.add(old, of: service, sign: -1) }
            state.add(usage, of: service, sign: 1)
            state.byService[service] = usage
        }
    }

    func forget(_ service: ObjectKey) {
        state.withLock { state in
            guard let old = state.byService.removeValue(forKey: service) else { return }
            state.add(old, of: service, sign: -1)
        }
    }

    /// Whether a change of the addresses of `changed` nodes can change `service`'s endpoints.
    func uses(_ service: ObjectKey, anyOf changed: Set<String>) -> Bool {
        state.withLock { state in
            guard let names = state.byService[service]?.nodes else { return true }
            return names.contains { changed.contains($0) }
        }
    }

    /// What the prober probes: the nodes services use (and whether some use every node), a node port, the
    /// health checks.
    func probeUsage() -> (
        someUseEveryNode: Bool, nodes: Set<String>, tcpPort: Int?, healthChecks: [ObjectKey: ServiceHealthCheck]
    ) {
        state.withLock { state in
            (
                state.servicesUsingEveryNode > 0, Set(state.nodeUseCount.keys),
                state.clusterPortUseCount.max { ($0.value, -$0.key) < ($1.value, -$1.key) }?.key, state.healthChecks
            )
        }
    }
}
