/// How the replicas of one Deployment share the remotes of a `-remote-config` fleet: each replica renews a
/// heartbeat Lease of its own, and counts the live replicas from everyone's heartbeats.
public struct ShardingConfig: Sendable {
    /// Where the heartbeats live: the namespace of the remotes' Leases.
    public var leaseNamespace: String
    /// This replica's name, the same `holderIdentity` it writes in every remote's Lease.
    public var identity: String
    /// How long a heartbeat counts after its renewal; the remotes' Lease duration.
    public var leaseDuration: Duration
    /// How often the heartbeat is renewed and the share looked at again.
    public var renewPeriod: Duration
    /// Whether a clean stop deletes the heartbeat, so the others count one replica less at once.
    public var releaseOnCancel: Bool

    public init(
        leaseNamespace: String, identity: String, leaseDuration: Duration = .seconds(15),
        renewPeriod: Duration = .seconds(5), releaseOnCancel: Bool = true
    ) {
        self.leaseNamespace = leaseNamespace
        self.identity = identity
        self.leaseDuration = leaseDuration
        self.renewPeriod = renewPeriod
        self.releaseOnCancel = releaseOnCancel
    }
}
