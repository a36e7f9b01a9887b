import Controllers
import Foundation
import KubeAPI
import Testing

/// A replica's share of the remotes and what it does about it.
@Suite struct FairShareTests {
    @Test(
        "the share is the remotes over the live replicas, rounded up",
        arguments: [
            (remotes: 6, replicas: 3, share: 2), (6, 2, 3), (6, 1, 6), (6, 4, 2), (7, 3, 3), (1, 3, 1), (0, 3, 0),
            (6, 0, 6), (5, 5, 1), (5, 6, 1),
        ])
    func share(remotes: Int, replicas: Int, share: Int) {
        #expect(FairShare.share(remotes: remotes, liveReplicas: replicas) == share)
    }

    @Test(
        "below the share it competes, at it it holds, above it it releases one",
        arguments: [
            // 3 replicas, 6 remotes: share 2.
            (leading: 0, replicas: 3, remotes: 6, FairShare.Decision.compete), (1, 3, 6, .compete), (2, 3, 6, .hold),
            (3, 3, 6, .releaseOne), (6, 3, 6, .releaseOne),
            // Alone (no heartbeat seen yet): everything is its share.
            (5, 1, 6, .compete), (6, 1, 6, .hold),
            // A replica died: 2 left, share 3, so the survivors compete again.
            (2, 2, 6, .compete), (3, 2, 6, .hold),
            // No remotes: nothing to lead, anything led is released.
            (0, 3, 0, .hold), (1, 3, 0, .releaseOne),
        ])
    func decision(leading: Int, replicas: Int, remotes: Int, expected: FairShare.Decision) {
        #expect(FairShare.decision(leading: leading, liveReplicas: replicas, remotes: remotes) == expected)
    }

    @Test("the shares of the live replicas always cover every remote")
    func sharesCoverTheRemotes() {
        for remotes in 0...20 {
            for replicas in 1...8 {
                #expect(FairShare.share(remotes: remotes, liveReplicas: replicas) * replicas >= remotes)
            }
        }
    }
}

/// Which replicas count as live from their heartbeat Leases.
@Suite struct ReplicaLivenessTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func heartbeat(_ holder: String?, renewedSecondsAgo: Double?, duration: Int32? = 15) -> Lease {
        Lease(
            metadata: ObjectMeta(name: "barrelman-replica-\(holder ?? "none")"),
            spec: LeaseSpec(
                holderIdentity: holder, leaseDurationSeconds: duration,
                renewTime: renewedSecondsAgo.map { MicroTime.format(now.addingTimeInterval(-$0)) }))
    }

    @Test func freshHeartbeatsCountAndStaleOnesDoNot() {
        let leases = [
            Self.heartbeat("a", renewedSecondsAgo: 1), Self.heartbeat("b", renewedSecondsAgo: 14),
            Self.heartbeat("dead", renewedSecondsAgo: 16), Self.heartbeat("long-gone", renewedSecondsAgo: 86_400),
        ]
        #expect(ReplicaHeartbeat.liveReplicas(leases, me: "a", now: Self.now) == 2)
    }

    @Test func aReplicaAlwaysCountsItselfEvenBeforeItsHeartbeatIsSeen() {
        #expect(ReplicaHeartbeat.liveReplicas([], me: "me", now: Self.now) == 1)
        #expect(ReplicaHeartbeat.liveReplicas([Self.heartbeat("b", renewedSecondsAgo: 1)], me: "me", now: Self.now) == 2)
    }

    @Test func heartbeatsWithoutHolderRenewTimeOrDurationDoNotCount() {
        let leases = [
            Self.heartbeat(nil, renewedSecondsAgo: 1), Self.heartbeat("", renewedSecondsAgo: 1),
            Self.heartbeat("no-time", renewedSecondsAgo: nil), Self.heartbeat("no-duration", renewedSecondsAgo: 1, duration: nil),
        ]
        #expect(ReplicaHeartbeat.liveReplicas(leases, me: "me", now: Self.now) == 1)
    }

    @Test func heartbeatsLongExpiredOrWithoutRenewalAreStaleFreshAndRecentlyExpiredOnesAreNot() {
        let leases = [
            Self.heartbeat("fresh", renewedSecondsAgo: 1), Self.heartbeat("just-expired", renewedSecondsAgo: 60),
            Self.heartbeat("killed-yesterday", renewedSecondsAgo: 86_400), Self.heartbeat("no-time", renewedSecondsAgo: nil),
        ]
        #expect(ReplicaHeartbeat.stale(leases, now: Self.now).map(\.spec.holderIdentity) == ["killed-yesterday", "no-time"])
    }

    @Test func replicasWithTheSameRemotesAreOneGroupAndOtherRemotesAnother() {
        #expect(ReplicaHeartbeat.group(remotes: ["west", "east"]) == ReplicaHeartbeat.group(remotes: ["east", "west"]))
        #expect(ReplicaHeartbeat.group(remotes: ["east", "west"]) != ReplicaHeartbeat.group(remotes: ["east"]))
        #expect(ReplicaHeartbeat.group(remotes: ["east", "west"]).count == 16, "a label value")
    }
}
