import Synchronization
@testable import KubeAPI
import TestAPIServer
import TestSupport
import Testing

/// The two things a shard needs of an elector: to watch a lease without campaigning (`shouldCompete` false),
/// and to hand a lease over on request without stopping the process (`releaseWhenStopped`).
@Suite struct LeaderElectionGateTests {
    typealias Support = LeaderElectionTests

    @Test func aCandidateThatMayNotCompeteNeverTakesAFreeLeaseButTakesItAtOnceWhenAllowed() async throws {
        try await Support.inProcess { cluster, _ in
            let recorder = Support.LeadRecorder()
            let competes = Atomic<Bool>(false)
            let elector = LeaderElector(
                client: cluster.client, config: Support.config(cluster, identity: "shard"),
                shouldCompete: { competes.load(ordering: .relaxed) })
            let task = Task { await elector.run(lead: recorder.lead("shard")) }
            try await Task.sleep(for: Support.leaseDuration * 2)
            #expect(!elector.isLeader)
            #expect(recorder.start(of: "shard") == nil)
            #expect(
                (try? await cluster.client.get(Lease.self, name: "barrelman-leader", namespace: cluster.namespace)) == nil,
                "watching writes nothing")

            competes.store(true, ordering: .relaxed)
            let allowed = ContinuousClock.now
            try await expectEventually("leads once it may compete", timeout: Support.maxAcquirePause + Support.slack) {
                elector.isLeader
            }
            #expect(allowed.duration(to: .now) < Support.maxAcquirePause + Support.slack)
            task.cancel()
            await task.value
        }
    }

    @Test func anExpiredLeaseWatchedWhileHoldingIsTakenWithoutWaitingAgain() async throws {
        try await Support.inProcess { cluster, _ in
            let recorder = Support.LeadRecorder()
            // A crashed holder: leads, then stops without releasing.
            let crashed = Support.candidate(cluster, "crashed", recorder: recorder, releaseOnCancel: false)
            try await expectEventually { crashed.elector.isLeader }
            await crashed.stop()

            let competes = Atomic<Bool>(false)
            let shard = LeaderElector(
                client: cluster.client, config: Support.config(cluster, identity: "shard"),
                shouldCompete: { competes.load(ordering: .relaxed) })
            let task = Task { await shard.run(lead: recorder.lead("shard")) }
            // Watching for longer than the lease: the record stood still all that time on our clock.
            try await Task.sleep(for: Support.recordedLeaseDuration + .milliseconds(500))
            #expect(!shard.isLeader)
            competes.store(true, ordering: .relaxed)
            let allowed = ContinuousClock.now
            try await expectEventually { shard.isLeader }
            // Less than the lease it would have waited had it not watched (one acquire pause, 0.44 s, in fact).
            #expect(allowed.duration(to: .now) < Support.recordedLeaseDuration, "no second lease duration to wait")
            task.cancel()
            await task.value
        }
    }

    @Test func releaseWhenStoppedHandsTheLeaseOverEvenWithoutReleaseOnCancel() async throws {
        try await Support.inProcess { cluster, _ in
            let recorder = Support.LeadRecorder()
            let leader = Support.candidate(cluster, "leader", recorder: recorder, releaseOnCancel: false)
            try await expectEventually { leader.elector.isLeader }
            leader.elector.releaseWhenStopped()
            await leader.stop()
            let lease = try await cluster.client.get(Lease.self, name: "barrelman-leader", namespace: cluster.namespace)
            #expect(lease.spec.holderIdentity == "")
            #expect(!recorder.overlaps())
        }
    }
}
