import Controllers
import KubeAPI
import Synchronization
import TestAPIServer
import TestSupport
import Testing

/// Three replicas (three fleets over their own local caches, one local API server) share six remotes (six
/// identities and scopes over one remote server) by their heartbeats and the remotes' Leases, with no
/// scheduler: each leads its fair share, a killed replica's remotes move to the others, a joining replica gets
/// its share back, and no remote is ever led by two replicas.
@Suite(.timeLimit(.minutes(4))) struct ShardingEndToEndTests {
    static let leaseDuration = Duration.seconds(3)
    static let remoteNames = (1...6).map { "r\($0)" }
    /// Scheduling slack on a loaded two-core machine, on top of what the Leases make anyone wait.
    static let slack = Duration.seconds(9)

    /// One replica: its fleet, running in its own task.
    struct Replica {
        let identity: String
        let fleet: RemoteFleet<String>
        let task: Task<Void, Never>

        /// Like a killed pod: nothing released (the test's killable replica keeps its Leases and heartbeat).
        func stop() async {
            task.cancel()
            await task.value
        }
    }

    static func settings(_ remote: String, _ clusters: TwoClusters) -> ControllerSettings {
        ControllerSettings(
            allowedNamespaces: ["\(clusters.namespace)-\(remote)"], remoteClusterName: remote,
            remoteClusterID: "kubeconfig/\(remote)")
    }

    /// Starts a replica over all six remotes; `killable` replicas release nothing when stopped, as a killed pod.
    static func start(
        _ identity: String, killable: Bool = false, remotes: [String] = remoteNames, _ clusters: TwoClusters
    ) async -> Replica {
        let fleet = RemoteFleet<String>(
            local: LocalCluster(client: clusters.local, resyncPeriod: .seconds(60), dryRun: false),
            retryDelay: .milliseconds(200),
            sharding: ShardingConfig(
                leaseNamespace: clusters.namespace, identity: identity, leaseDuration: leaseDuration,
                renewPeriod: .seconds(1), releaseOnCancel: !killable))
        let task = Task { await fleet.run() }
        await fleet.apply(
            remotes.map { remote in
                RemoteFleet<String>.Member(name: remote, configuration: remote) {
                    let settings = Self.settings(remote, clusters)
                    return RemoteFleet.Resolved(
                        remote: clusters.remote,
                        options: BarrelmanOptions(
                            settings: settings, resyncPeriod: .seconds(60), reach: FaultTests.patientProbes,
                            nodeDialer: clusters.nodes),
                        lease: LeaderElectionConfig(
                            leaseNamespace: clusters.namespace, leaseName: settings.leaseName, identity: identity,
                            leaseDuration: leaseDuration, renewDeadline: .seconds(2), retryPeriod: .milliseconds(500),
                            releaseOnCancel: !killable))
                }
            })
        return Replica(identity: identity, fleet: fleet, task: task)
    }

    /// Samples, every 100 ms until stopped, what each replica says it leads and who the Leases name, and
    /// records every moment two replicas led one remote.
    final class DoubleLeaderWatch: Sendable {
        let replicas = Mutex<[Replica]>([])
        let violations = Mutex<[String]>([])
        let samples = Atomic<Int>(0)

        func watch(_ clusters: TwoClusters) -> Task<Void, Never> {
            let remoteByLease = Dictionary(
                uniqueKeysWithValues: ShardingEndToEndTests.remoteNames.map {
                    (ShardingEndToEndTests.settings($0, clusters).leaseName, $0)
                })
            return Task {
                while !Task.isCancelled {
                    let replicas = self.replicas.withLock { $0 }
                    let before = replicas.map { ($0.identity, Set($0.fleet.leadingRemotes)) }
                    // nil when the list failed (or was cancelled as the watch ends): then only the views are checked.
                    var holders: [String: String]?
                    if let leases = try? await clusters.local.listAll(Lease.self, namespace: clusters.namespace) {
                        holders = [:]
                        for lease in leases.items {
                            if let remote = remoteByLease[lease.metadata.name] {
                                holders?[remote] = lease.spec.holderIdentity ?? ""
                            }
                        }
                    }
                    let after = replicas.map { ($0.identity, Set($0.fleet.leadingRemotes)) }
                    self.check(before: before, after: after, holders: holders)
                    self.samples.add(1, ordering: .relaxed)
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
        }

        /// Two replicas' views never share a remote; a remote a replica led both before and after the Leases
        /// were read has a Lease naming that replica.
        func check(before: [(String, Set<String>)], after: [(String, Set<String>)], holders: [String: String]?) {
            var found: [String] = []
            for view in [before, after] {
                for (index, (first, led)) in view.enumerated() {
                    for (second, other) in view.dropFirst(index + 1) where !led.isDisjoint(with: other) {
                        found.append("\(first) and \(second) both lead \(led.intersection(other).sorted())")
                    }
                }
            }
            for ((identity, led), (_, stillLed)) in zip(before, after) {
                guard let holders else { break }
                for remote in led.intersection(stillLed) where holders[remote] != identity {
                    found.append("\(identity) leads \(remote) but its Lease names \(holders[remote] ?? "nobody")")
                }
            }
            if !found.isEmpty { violations.withLock { $0.append(contentsOf: found) } }
        }
    }

    static func counts(_ replicas: [Replica]) -> [Int] {
        replicas.map(\.fleet.leadingRemotes.count)
    }

    /// Whether `replicas` together lead every remote, each one between `least` and `most` of them.
    static func shared(_ replicas: [Replica], least: Int, most: Int) -> Bool {
        let views = replicas.map(\.fleet.leadingRemotes)
        return Set(views.joined()) == Set(remoteNames) && views.allSatisfy { (least...most).contains($0.count) }
    }

    /// Three replicas that each count three live replicas, a share of 2, and lead 2 remotes.
    static func settled(_ replicas: [Replica]) -> Bool {
        shared(replicas, least: 2, most: 2)
            && replicas.allSatisfy {
                let share = $0.fleet.share
                return (share.remotes, share.liveReplicas, share.share) == (6, 3, 2)
            }
    }

    /// The shares stay as they are: several heartbeats later, nobody took or released anything.
    static func expectStaysSettled(_ replicas: [Replica], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let before = replicas.map(\.fleet.leadingRemotes)
        try await Task.sleep(for: .seconds(3))
        #expect(replicas.map(\.fleet.leadingRemotes) == before, sourceLocation: sourceLocation)
    }

    @Test func threeReplicasLeadTwoRemotesEachAKilledOnesMoveToTheOthersAndAJoiningOneGetsItsShare() async throws {
        // Real clusters too: the Leases live in the test's own local namespace, the remotes are scopes of its own.
        try await TwoClusters.with { clusters in
            _ = try? await clusters.local.create(Namespace(metadata: ObjectMeta(name: clusters.namespace)))
            let watch = DoubleLeaderWatch()
            let watching = watch.watch(clusters)

            // Another Deployment's replica in the same namespace, with other remotes: not counted in the shares.
            let other = await Self.start("other-deployment", remotes: ["x1"], clusters)

            // Three replicas starting together: 2 + 2 + 2 within a minute.
            var replicas: [Replica] = []
            for (identity, killable) in [("replica-a", false), ("replica-b", false), ("replica-c", true)] {
                replicas.append(await Self.start(identity, killable: killable, clusters))
            }
            watch.replicas.withLock { $0 = replicas }
            let started = ContinuousClock.now
            try await expectEventually("2 + 2 + 2", timeout: .seconds(60)) { Self.settled(replicas) }
            print("sharding: three replicas lead 2 each after \(started.duration(to: .now)), \(Self.counts(replicas))")
            try await Self.expectStaysSettled(replicas)

            // Replica c is killed: its Leases and heartbeat stay until they expire, then a and b lead all six.
            let killed = replicas.removeLast()
            let killedRemotes = killed.fleet.leadingRemotes
            await killed.stop()
            watch.replicas.withLock { $0 = replicas }
            let killedAt = ContinuousClock.now
            try await expectEventually("the killed replica's remotes led by the others", timeout: Self.leaseDuration + Self.slack) {
                Self.shared(replicas, least: 2, most: 4)
            }
            let takeover = killedAt.duration(to: .now)
            print("sharding: \(killedRemotes) of the killed replica led by the others after \(takeover), \(Self.counts(replicas))")
            #expect(takeover <= Self.leaseDuration + Self.slack)

            // A replica joins: the others release one remote at a time down to their share, 2 + 2 + 2 again.
            replicas.append(await Self.start("replica-d", clusters))
            watch.replicas.withLock { $0 = replicas }
            let joinedAt = ContinuousClock.now
            try await expectEventually("2 + 2 + 2 after a join", timeout: .seconds(60)) { Self.settled(replicas) }
            print("sharding: 2 + 2 + 2 again after \(joinedAt.duration(to: .now)) of the join")
            try await Self.expectStaysSettled(replicas)

            watching.cancel()
            await watching.value
            #expect(watch.samples.load(ordering: .relaxed) > 20)
            #expect(watch.violations.withLock { $0 }.isEmpty, "\(watch.violations.withLock { $0.prefix(10) })")
            #expect(other.fleet.leadingRemotes == ["x1"])
            #expect(other.fleet.share.liveReplicas == 1)
            for replica in replicas + [other] { await replica.stop() }
        }
    }
}
