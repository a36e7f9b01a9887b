import Synchronization
@testable import KubeAPI
import TestAPIServer
import TestSupport
import Testing

/// The two things a shard needs of an elector: to watch a lease without campaigning (`shouldCompete` false),
/// and to hand a lease over on request without stopping the process (`releaseWhenStopped`).
@Suite struct LeaderElectionGateTests {
    typealias Support = LeaderElectionTests

    /// A candidate named "shard" that competes only while `competes` is true, which it starts false.
    struct GatedCandidate {
        final class Gate: Sendable {
            let open = Atomic<Bool>(false)
        }

        let elector: LeaderElector
        let competes = Gate()
        let task: Task<Void, Never>

        init(_ cluster: TestCluster, recorder: Support.LeadRecorder) {
            let competes = competes
            let elector = LeaderElector(
                client: cluster.client, config: Support.config(cluster, identity: "shard"),
                shouldCompete: { competes.open.load(ordering: .relaxed) })
            self.elector = elector
            task = Task { await elector.run(lead: recorder.lead("shard")) }
        }

        /// Lets it compete; returns how long it then took to lead.
        func allowAndTimeTheLead() async throws -> Duration {
            competes.open.store(true, ordering: .relaxed)
            let allowed = ContinuousClock.now
            try await expectEventually("leads once it may compete", timeout: Support.maxAcquirePause + Support.slack) {
                elector.isLeader
            }
            let took = allowed.duration(to: .now)
            task.cancel()
            await task.value
            return took
        }
    }

    @Test func aCandidateThatMayNotCompeteNeverTakesAFreeLeaseButTakesItAtOnceWhenAllowed() async throws {
        try await Support.inProcess { cluster, _ in
            let recorder = Support.LeadRecorder()
            let shard = GatedCandidate(cluster, recorder: recorder)
            try await Task.sleep(for: Support.leaseDuration * 2)
            #expect(!shard.elector.isLeader)
            #expect(recorder.start(of: "shard") == nil)
            #expect(
                (try? await cluster.client.get(Lease.self, name: "barrelman-leader", namespace: cluster.namespace)) == nil,
                "watching writes nothing")
            #expect(try await shard.allowAndTimeTheLead() < Support.maxAcquirePause + Support.slack)
        }
    }

    @Test func anExpiredLeaseWatchedWhileHoldingIsTakenWithoutWaitingAgain() async throws {
        try await Support.inProcess { cluster, _ in
            let recorder = Support.LeadRecorder()
            // A crashed holder: leads, then stops without releasing.
            let crashed = Support.candidate(cluster, "crashed", recorder: recorder, releaseOnCancel: false)
            try await expectEventually { crashed.elector.isLeader }
            await crashed.stop()

            let shard = GatedCandidate(cluster, recorder: recorder)
            // Watching for longer than the lease: the record stood still all that time on our clock.
            try await Task.sleep(for: Support.recordedLeaseDuration + .milliseconds(500))
            #expect(!shard.elector.isLeader)
            // Less than the lease it would have waited had it not watched (one acquire pause, 0.44 s, in fact).
            #expect(try await shard.allowAndTimeTheLead() < Support.recordedLeaseDuration, "no second lease duration to wait")
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
