#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KubeAPI

/// One replica's heartbeat Lease (`barrelman-replica-<hash of identity>`, labelled so replicas can list each
/// other's), and the count of live replicas read from all of them.
///
/// The label's value is the replica's group: a hash of the remotes it is configured with. Replicas count only
/// their group's heartbeats, so two Deployments with different remote-configs in one namespace do not shrink
/// each other's shares (which could leave remotes unled); while a changed file reaches the replicas one by one,
/// the groups are smaller for a moment and each replica competes for more, which the Leases keep safe.
public struct ReplicaHeartbeat: Sendable {
    /// Marks heartbeat Leases among the namespace's other Leases; the value is the group.
    public static let label = "barrelman.tfw.io/replica-heartbeat"

    /// The group of a replica configured with the remotes named `remotes`, in any order.
    public static func group(remotes: [String]) -> String {
        let hex = String(StableHash.of(remotes.sorted().joined(separator: "\n")), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    public let config: ShardingConfig
    private let client: KubeClient

    public init(client: KubeClient, config: ShardingConfig) {
        self.client = client
        self.config = config
    }

    public var leaseName: String {
        let hex = String(StableHash.of(config.identity), radix: 16)
        return "barrelman-replica-" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Renews (or creates) this replica's heartbeat, in `group`.
    public func beat(group: String, now: Date = Date()) async throws(KubeError) {
        let timestamp = MicroTime.format(now)
        let spec = LeaseSpec(
            holderIdentity: config.identity, leaseDurationSeconds: Self.wholeSeconds(config.leaseDuration),
            renewTime: timestamp)
        do {
            var lease = try await client.get(Lease.self, name: leaseName, namespace: config.leaseNamespace)
            lease.spec = spec
            lease.metadata.labels[Self.label] = group
            _ = try await client.update(lease)
        } catch where error.isNotFound {
            _ = try await client.create(
                Lease(
                    metadata: ObjectMeta(name: leaseName, namespace: config.leaseNamespace, labels: [Self.label: group]),
                    spec: spec))
        }
    }

    /// How long after its expiry a heartbeat left by a replica that never stopped cleanly (a killed pod; each
    /// pod has an identity of its own) is deleted.
    public static let staleAfter: TimeInterval = 600

    /// The live replicas of `group`, this one included, from their heartbeats; deletes stale heartbeats (of
    /// any group) on the way.
    public func liveReplicas(group: String, now: Date = Date()) async throws(KubeError) -> Int {
        let leases = try await client.listAll(
            Lease.self, namespace: config.leaseNamespace, options: ListOptions(labelSelector: Self.label))
        for lease in Self.stale(leases.items, now: now) {
            // Only as read: a replica renewing it meanwhile keeps it (409).
            try? await client.delete(
                Lease.self, name: lease.metadata.name, namespace: config.leaseNamespace,
                options: DeleteOptions(preconditionResourceVersion: lease.metadata.resourceVersion))
        }
        return Self.liveReplicas(
            leases.items.filter { $0.metadata.labels[Self.label] == group }, me: config.identity, now: now)
    }

    /// Takes this replica's heartbeat away (a clean stop), so the others count one replica less at once.
    public func stop() async {
        try? await client.delete(Lease.self, name: leaseName, namespace: config.leaseNamespace)
    }

    /// The distinct holders whose heartbeat is fresh (renewTime + leaseDurationSeconds after `now`), and `me`.
    /// Wall clocks of one cluster's nodes agree to well under a lease duration; a skewed one only shifts shares.
    public static func liveReplicas(_ heartbeats: [Lease], me: String, now: Date) -> Int {
        var live: Set<String> = [me]
        for lease in heartbeats {
            guard let holder = lease.spec.holderIdentity, !holder.isEmpty,
                let renewed = lease.spec.renewTime.flatMap(MicroTime.parse)
            else { continue }
            let duration = TimeInterval(lease.spec.leaseDurationSeconds ?? 0)
            if renewed.addingTimeInterval(duration) > now { live.insert(holder) }
        }
        return live.count
    }

    /// Heartbeats expired for more than `staleAfter`, or with no renewal time at all.
    public static func stale(_ heartbeats: [Lease], now: Date) -> [Lease] {
        heartbeats.filter { lease in
            guard let renewed = lease.spec.renewTime.flatMap(MicroTime.parse) else { return true }
            let expiry = renewed.addingTimeInterval(TimeInterval(lease.spec.leaseDurationSeconds ?? 0))
            return expiry.addingTimeInterval(staleAfter) < now
        }
    }

    static func wholeSeconds(_ duration: Duration) -> Int32 {
        Int32(clamping: Int(max(1, (duration / .seconds(1)).rounded(.up))))
    }
}
