import Controllers
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KubeAPI

/// Who leads now: the holder of this instance's Lease (named as the runner names it, per remote identity and
/// scope), and whether the holder still renews it.
enum LeaderCheck {
    static func run(client: KubeClient, settings: ControllerSettings, namespace: String, enabled: Bool) async -> CheckResult {
        let name = settings.leaseName
        guard enabled else {
            return .pass("leader", "leader election off (-leader-elect=false): this instance would run without a Lease")
        }
        let lease: Lease
        do {
            lease = try await client.get(Lease.self, name: name, namespace: namespace)
        } catch where error.isNotFound {
            return .warn(
                "leader", "no Lease \(namespace)/\(name): no replica with these flags has led yet",
                fix: "start barrelman with these flags (kubectl -n \(namespace) get pods), or check -leader-elect-namespace")
        } catch {
            return .warn("leader", "cannot read Lease \(namespace)/\(name): \(error.description)", fix: "see the local permissions check")
        }
        return judge(lease, now: Date())
    }

    /// The Lease's holder and the age of its last renewal against its duration.
    static func judge(_ lease: Lease, now: Date) -> CheckResult {
        let subject = "Lease \(lease.metadata.namespace ?? "")/\(lease.metadata.name)"
        guard let holder = lease.spec.holderIdentity, !holder.isEmpty else {
            return .warn(
                "leader", "\(subject) is released: nobody leads",
                fix: "a replica takes it within its retry period (2 s); if none does, no replica runs: check the Deployment")
        }
        let duration = Double(lease.spec.leaseDurationSeconds ?? 15)
        guard let renewed = lease.spec.renewTime.flatMap(MicroTime.parse) else {
            return .pass("leader", "\(holder) holds \(subject)")
        }
        let age = now.timeIntervalSince(renewed)
        let ago = "renewed \(Int(age.rounded())) s ago"
        guard age <= duration else {
            return .warn(
                "leader", "\(holder) held \(subject) but has not renewed it (\(ago), duration \(Int(duration)) s): nobody leads",
                fix: "another replica takes over; if none does, no replica runs: check the Deployment's pods")
        }
        return .pass("leader", "\(holder) leads (\(subject), \(ago))")
    }
}
