import Foundation
@testable import KubeAPI
import Synchronization
import TestAPIServer
import TestSupport
import Testing

/// Leader election against the in-process API server with short durations (lease 1.5 s, renew 1 s,
/// retry 0.2 s). Upper bounds allow for the 1.2 jitter on acquire retries plus scheduling slack.
@Suite struct LeaderElectionTests {
    static let leaseDuration = Duration.milliseconds(1500)
    /// What the lease records: leaseDuration rounded up to whole seconds, which followers honour.
    static let recordedLeaseDuration = Duration.seconds(2)
    static let renewDeadline = Duration.seconds(1)
    static let retryPeriod = Duration.milliseconds(200)
    /// The longest pause between two acquire attempts: retryPeriod × (1 + jitter factor).
    static let maxAcquirePause = retryPeriod * 2.2
    /// Scheduling slack: CI runs ~400 tests at once on two cores.
    static let slack = Duration.seconds(3)

    enum TestSetupError: Error { case noInProcessServer }

    /// When each candidate's `lead` closure started and stopped.
    final class LeadRecorder: Sendable {
        struct Interval { var identity: String; var start: ContinuousClock.Instant; var stop: ContinuousClock.Instant? }
        let intervals = Mutex<[Interval]>([])

        func lead(_ identity: String) -> @Sendable () async -> Void {
            { [self] in
                let index = intervals.withLock { intervals in
                    intervals.append(Interval(identity: identity, start: .now, stop: nil))
                    return intervals.count - 1
                }
                // Leads until cancelled.
                while !Task.isCancelled { try? await Task.sleep(for: .seconds(60)) }
                intervals.withLock { $0[index].stop = .now }
            }
        }

        func start(of identity: String) -> ContinuousClock.Instant? {
            intervals.withLock { $0.first { $0.identity == identity }?.start }
        }

        func stop(of identity: String) -> ContinuousClock.Instant? {
            intervals.withLock { $0.first { $0.identity == identity }?.stop }
        }

        /// Whether any two lead intervals overlap (an open interval runs until now).
        func overlaps() -> Bool {
            let now = ContinuousClock.now
            let all = intervals.withLock { $0 }.sorted { $0.start < $1.start }
            for (earlier, later) in zip(all, all.dropFirst()) where later.start < (earlier.stop ?? now) {
                return true
            }
            return false
        }
    }

    /// A candidate running in its own task.
    struct Candidate {
        let elector: LeaderElector
        let task: Task<Void, Never>
        var identity: String { elector.config.identity }

        func stop() async {
            task.cancel()
            await task.value
        }
    }

    static func config(
        _ cluster: TestCluster, identity: String, releaseOnCancel: Bool = true, leaseDuration: Duration = leaseDuration
    ) -> LeaderElectionConfig {
        LeaderElectionConfig(
            leaseNamespace: cluster.namespace, leaseName: "barrelman-leader", identity: identity,
            leaseDuration: leaseDuration, renewDeadline: renewDeadline, retryPeriod: retryPeriod,
            releaseOnCancel: releaseOnCancel)
    }

    static func candidate(
        _ cluster: TestCluster, _ identity: String, recorder: LeadRecorder, releaseOnCancel: Bool = true,
        leaseDuration: Duration = leaseDuration
    ) -> Candidate {
        let elector = LeaderElector(
            client: cluster.client,
            config: config(cluster, identity: identity, releaseOnCancel: releaseOnCancel, leaseDuration: leaseDuration))
        let lead = recorder.lead(identity)
        return Candidate(elector: elector, task: Task { await elector.run(lead: lead) })
    }

    static func inProcess<T>(_ body: (TestCluster, TestAPIServer) async throws -> T) async throws -> T {
        try await TestCluster.with(realClusterVariable: nil) { cluster in
            guard let server = cluster.server else { throw TestSetupError.noInProcessServer }
            return try await body(cluster, server)
        }
    }

    /// Waits until exactly one of `candidates` leads and returns it with the others.
    static func leaderAndFollower(_ candidates: [Candidate]) async throws -> (Candidate, Candidate)? {
        let elected = try await eventually(timeout: .seconds(10)) { candidates.contains { $0.elector.isLeader } }
        guard elected, let leader = candidates.first(where: { $0.elector.isLeader }),
            let follower = candidates.first(where: { $0.identity != leader.identity })
        else { return nil }
        return (leader, follower)
    }

    // MARK: mutual exclusion

    @Test func twoCandidatesNeverLeadAtTheSameTime() async throws {
        try await Self.inProcess { cluster, _ in
            let recorder = LeadRecorder()
            // A lease four times the renew deadline: a 3 s margin for a starved scheduler on a loaded machine.
            let a = Self.candidate(cluster, "a", recorder: recorder, releaseOnCancel: false, leaseDuration: .seconds(4))
            let b = Self.candidate(cluster, "b", recorder: recorder, releaseOnCancel: false, leaseDuration: .seconds(4))
            var bothLed = 0
            var someoneLed = false
            // A crash (no release) of whoever leads halfway, so the sampling spans a takeover.
            var crashed: Candidate?
            let start = ContinuousClock.now
            while start.duration(to: .now) < .seconds(8) {
                let (aLeads, bLeads) = (a.elector.isLeader, b.elector.isLeader)
                if aLeads && bLeads { bothLed += 1 }
                someoneLed = someoneLed || aLeads || bLeads
                if crashed == nil, start.duration(to: .now) > .seconds(1), aLeads || bLeads {
                    let leader = aLeads ? a : b
                    crashed = leader
                    leader.task.cancel()
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            await a.stop()
            await b.stop()
            #expect(someoneLed)
            #expect(bothLed == 0)
            #expect(!recorder.overlaps())
            // The takeover itself is timed in the crash test; here it only has to be exclusive.
            #expect(recorder.intervals.withLock { $0.count } >= 1)
        }
    }

    // MARK: takeover

    @Test func aCrashedLeaderIsReplacedOnceItsLeaseExpires() async throws {
        try await Self.inProcess { cluster, _ in
            let recorder = LeadRecorder()
            let candidates = [
                Self.candidate(cluster, "a", recorder: recorder, releaseOnCancel: false),
                Self.candidate(cluster, "b", recorder: recorder, releaseOnCancel: false),
            ]
            let pair = try await Self.leaderAndFollower(candidates)
            let (leader, follower) = try #require(pair)
            await leader.stop()  // a crash: no release
            let killed = ContinuousClock.now
            #expect(!leader.elector.isLeader)
            #expect(recorder.stop(of: leader.identity) != nil, "lead was cancelled and awaited")

            let tookOver = try await eventually(timeout: .seconds(10)) { follower.elector.isLeader }
            #expect(tookOver)
            // isLeader turns true just before the lead task records its start; on a loaded machine that may lag.
            _ = try await eventually(timeout: .seconds(5)) { recorder.start(of: follower.identity) != nil }
            let end = try #require(recorder.start(of: follower.identity))
            let waited = killed.duration(to: end)
            // The leader renewed at most a retryPeriod before the crash; the follower must wait out the lease.
            #expect(waited >= Self.leaseDuration - Self.retryPeriod - .milliseconds(300))
            #expect(waited <= Self.recordedLeaseDuration + Self.maxAcquirePause * 2 + Self.slack)
            #expect(follower.elector.currentLeader == follower.identity)

            let lease = try await cluster.client.get(Lease.self, name: "barrelman-leader", namespace: cluster.namespace)
            #expect(lease.spec.holderIdentity == follower.identity)
            #expect(lease.spec.leaseTransitions == 1, "created by the first leader (0), taken over once")
            await follower.stop()
        }
    }

    @Test func aCleanlyStoppedLeaderReleasesTheLeaseForAnImmediateTakeover() async throws {
        try await Self.inProcess { cluster, _ in
            let recorder = LeadRecorder()
            let candidates = [
                // A 60 s lease: a takeover within seconds can only come from the release.
                Self.candidate(cluster, "a", recorder: recorder, leaseDuration: .seconds(60)),
                Self.candidate(cluster, "b", recorder: recorder, leaseDuration: .seconds(60)),
            ]
            let pair = try await Self.leaderAndFollower(candidates)
            let (leader, follower) = try #require(pair)
            // Let the follower see the held lease first, so only the release can explain a quick takeover.
            try await Task.sleep(for: Self.retryPeriod * 3)
            await leader.stop()
            let released = ContinuousClock.now

            let tookOver = try await eventually(timeout: .seconds(10)) { follower.elector.isLeader }
            #expect(tookOver)
            // `isLeader` turns true just before `lead` starts.
            let started = try await eventually { recorder.start(of: follower.identity) != nil }
            let end = try #require(started ? recorder.start(of: follower.identity) : nil)
            let waited = released.duration(to: end)
            #expect(waited <= Self.maxAcquirePause * 2 + Self.slack, "long before the 60 s lease would expire")
            #expect(!recorder.overlaps())
            await follower.stop()
        }
    }

    @Test func releaseClearsTheHolderAndShortensTheLease() async throws {
        try await Self.inProcess { cluster, _ in
            let recorder = LeadRecorder()
            let only = Self.candidate(cluster, "only", recorder: recorder)
            let leads = try await eventually { only.elector.isLeader }
            #expect(leads)
            let held = try await cluster.client.get(Lease.self, name: "barrelman-leader", namespace: cluster.namespace)
            #expect(held.spec.holderIdentity == "only")
            #expect(held.spec.leaseDurationSeconds == 2, "1.5 s, rounded up to whole seconds")
            let microTime = #/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/#
            #expect(held.spec.renewTime?.wholeMatch(of: microTime) != nil)
            #expect(held.spec.acquireTime?.wholeMatch(of: microTime) != nil)

            await only.stop()
            let lease = try await cluster.client.get(Lease.self, name: "barrelman-leader", namespace: cluster.namespace)
            #expect(lease.spec.holderIdentity == "", "explicitly empty, not absent")
            #expect(lease.spec.leaseDurationSeconds == 1)
            #expect(lease.spec.leaseTransitions == held.spec.leaseTransitions)
        }
    }

    // MARK: losing the API server

    @Test func aLeaderThatCannotRenewStopsLeadingBeforeTheLeaseExpires() async throws {
        try await Self.inProcess { cluster, server in
            let recorder = LeadRecorder()
            let only = Self.candidate(cluster, "only", recorder: recorder)
            let leads = try await eventually { only.elector.isLeader }
            #expect(leads)
            await server.stop()
            let stopped = ContinuousClock.now

            let stoppedLeading = try await eventually(timeout: .seconds(10)) { recorder.stop(of: "only") != nil }
            #expect(stoppedLeading)
            #expect(!only.elector.isLeader)
            let end = try #require(recorder.stop(of: "only"))
            let waited = stopped.duration(to: end)
            #expect(waited <= Self.renewDeadline + Self.retryPeriod + .milliseconds(300))
            await only.stop()  // returns although the release cannot reach the server
        }
    }

    @Test func aLeaderWhoseLeaseIsTakenByForceStopsLeading() async throws {
        try await Self.inProcess { cluster, _ in
            let recorder = LeadRecorder()
            let only = Self.candidate(cluster, "only", recorder: recorder)
            let leads = try await eventually { only.elector.isLeader }
            #expect(leads)
            var lease = try await cluster.client.get(Lease.self, name: "barrelman-leader", namespace: cluster.namespace)
            lease.spec.holderIdentity = "intruder"
            // A long lease, so the test cannot race "only" campaigning again once the intruder goes quiet.
            lease.spec.leaseDurationSeconds = 3600
            _ = try await cluster.client.update(lease)
            let overwritten = ContinuousClock.now

            let stoppedLeading = try await eventually(timeout: .seconds(10)) { recorder.stop(of: "only") != nil }
            #expect(stoppedLeading)
            let end = try #require(recorder.stop(of: "only"))
            #expect(overwritten.duration(to: end) <= Self.renewDeadline + Self.retryPeriod + .milliseconds(300))
            // Lead may have ended on a renewal timeout before the elector read the intruder's record.
            let sawIntruder = try await eventually { only.elector.currentLeader == "intruder" }
            #expect(sawIntruder)
            await only.stop()
            let after = try await cluster.client.get(Lease.self, name: "barrelman-leader", namespace: cluster.namespace)
            #expect(after.spec.holderIdentity == "intruder", "a lease we no longer hold is not released")
        }
    }

    // MARK: a lease held by someone else

    @Test func aLeaseHeldByAnotherIsNotTakenBeforeItExpiresOnOurClock() async throws {
        try await Self.inProcess { cluster, _ in
            // renewTime far in the past: a skewed clock must not make the lease look expired at once.
            let seeded = Lease(
                metadata: ObjectMeta(name: "barrelman-leader", namespace: cluster.namespace),
                spec: LeaseSpec(
                    holderIdentity: "other", leaseDurationSeconds: 2, acquireTime: "2000-01-01T00:00:00.000000Z",
                    renewTime: "2000-01-01T00:00:00.000000Z", leaseTransitions: 3))
            _ = try await cluster.client.create(seeded)
            let recorder = LeadRecorder()
            let started = ContinuousClock.now
            let candidate = Self.candidate(cluster, "me", recorder: recorder)

            let sawHolder = try await eventually { candidate.elector.currentLeader == "other" }
            #expect(sawHolder)
            let leads = try await eventually(timeout: .seconds(10)) { candidate.elector.isLeader }
            #expect(leads)
            let began = try await eventually { recorder.start(of: "me") != nil }
            let end = try #require(began ? recorder.start(of: "me") : nil)
            let waited = started.duration(to: end)
            #expect(waited >= .seconds(2), "the record's leaseDurationSeconds, counted from when we saw it")
            // No upper bound beyond the wait above: what matters is that it was not taken early.

            let lease = try await cluster.client.get(Lease.self, name: "barrelman-leader", namespace: cluster.namespace)
            #expect(lease.spec.holderIdentity == "me")
            #expect(lease.spec.leaseTransitions == 4)
            await candidate.stop()
        }
    }

    @Test func aLeaseTheHolderKeepsRenewingIsNeverTaken() async throws {
        try await Self.inProcess { cluster, _ in
            var lease = try await cluster.client.create(
                Lease(
                    metadata: ObjectMeta(name: "barrelman-leader", namespace: cluster.namespace),
                    spec: LeaseSpec(holderIdentity: "other", leaseDurationSeconds: 1, leaseTransitions: 0)))
            let recorder = LeadRecorder()
            let candidate = Self.candidate(cluster, "me", recorder: recorder)
            // The holder renews every 300 ms for 3 s, twice the lease duration.
            for round in 0..<10 {
                lease.spec.renewTime = "2030-01-01T00:00:\(String(format: "%02d", round)).000000Z"
                lease = try await cluster.client.update(lease)
                #expect(!candidate.elector.isLeader)
                try await Task.sleep(for: .milliseconds(300))
            }
            #expect(recorder.start(of: "me") == nil)
            // The holder stops renewing: now it expires.
            let leads = try await eventually(timeout: .seconds(10)) { candidate.elector.isLeader }
            #expect(leads)
            await candidate.stop()
        }
    }

    // MARK: configuration and formats

    @Test func defaultIdentityIsThePodNameWithARandomSuffix() {
        let first = LeaderElectionConfig.defaultIdentity(environment: ["POD_NAME": "barrelman-7d9f"])
        let second = LeaderElectionConfig.defaultIdentity(environment: ["POD_NAME": "barrelman-7d9f"])
        #expect(first.hasPrefix("barrelman-7d9f_"))
        #expect(first.count > "barrelman-7d9f_".count)
        #expect(first != second, "a restarted process is a new candidate")
        #expect(!LeaderElectionConfig.defaultIdentity(environment: [:]).hasPrefix("_"), "falls back to the host name")
    }

    @Test func inconsistentDurationsAreNamed() {
        var config = LeaderElectionConfig(leaseNamespace: "ns", leaseName: "l", identity: "me")
        #expect(config.inconsistency == nil, "client-go's defaults 15 s / 10 s / 2 s")
        config.renewDeadline = .seconds(15)
        #expect(config.inconsistency?.contains("leaseDuration") == true)
        config.renewDeadline = .seconds(2)
        #expect(config.inconsistency?.contains("retryPeriod") == true)
    }

    @Test func microTimeIsUTCWithSixFractionDigits() throws {
        #expect(MicroTime.format(Date(timeIntervalSince1970: 1_136_214_245.5)) == "2006-01-02T15:04:05.500000Z")
        #expect(MicroTime.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000000Z")
        #expect(MicroTime.format(Date(timeIntervalSince1970: -1.5)) == "1969-12-31T23:59:58.500000Z")
        let parsed = try #require(MicroTime.parse("2006-01-02T15:04:05.250000Z"))
        #expect(parsed.timeIntervalSince1970 == 1_136_214_245.25)
    }
}
