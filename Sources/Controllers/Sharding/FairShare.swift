/// How many remotes one replica should lead when every replica is a candidate for every remote: the
/// remotes divided by the live replicas, rounded up, so the shares always cover every remote.
///
/// A replica below its share competes for more; at its share it stops competing (it keeps what it leads);
/// above it (a replica joined) it releases one remote, then looks again.
public enum FairShare {
    public enum Decision: Equatable, Sendable {
        /// Below the share: campaign for every remote not led yet.
        case compete
        /// At the share: keep leading, campaign for nothing more.
        case hold
        /// Above the share: release one remote (one at a time, so the others settle in between).
        case releaseOne
    }

    /// ceil(remotes / live replicas); a replica always counts itself, so never fewer than one replica.
    public static func share(remotes: Int, liveReplicas: Int) -> Int {
        let replicas = max(1, liveReplicas)
        let remotes = max(0, remotes)
        return (remotes + replicas - 1) / replicas
    }

    public static func decision(leading: Int, liveReplicas: Int, remotes: Int) -> Decision {
        let share = share(remotes: remotes, liveReplicas: liveReplicas)
        if leading < share { return .compete }
        if leading == share { return .hold }
        return .releaseOne
    }
}
