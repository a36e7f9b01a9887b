import Controllers
import KubeAPI
import TestAPIServer
import TestSupport
import Testing

/// Several remotes in one process over one set of local caches (`-remote-config`): each keeps to its own
/// objects, and the configuration can change while it runs. The two remotes are the test's remote and its
/// second remote (`BARRELMAN_E2E_REMOTE2_KUBECONFIG` on real clusters); probes go to the test's loopback fleet.
@Suite(.timeLimit(.minutes(2))) struct RemoteFleetTests {
    /// A member for `remote` named `name`, identity `kubeconfig/<name>`, bounded to the test's namespace, with
    /// a failover `priority` for federated services.
    static func member(
        _ name: String, _ remote: KubeClient, clusters: TwoClusters, resolveFails: Bool = false, priority: Int? = nil,
        resync: Duration = .seconds(60)
    ) -> RemoteFleet<String>.Member {
        RemoteFleet<String>.Member(name: name, configuration: name) {
            if resolveFails { throw TransportError.connectionFailed("\(name) cannot be reached") }
            var settings = ControllerSettings(
                allowedNamespaces: [clusters.namespace], remoteClusterName: name, remoteClusterID: "kubeconfig/\(name)")
            settings.priority = priority
            return RemoteFleet.Resolved(
                remote: remote,
                options: BarrelmanOptions(
                    settings: settings, resyncPeriod: resync, reach: FaultTests.patientProbes,
                    nodeDialer: clusters.nodes),
                lease: nil)
        }
    }

    static func writer(of name: String, _ clusters: TwoClusters) async -> String? {
        try? await clusters.local.get(Service.self, name: name, namespace: clusters.namespace)
            .metadata.annotations[BarrelmanLabels.remoteClusterAnnotation]
    }

    @Test func twoRemotesInOneProcessEachMirrorTheirOwnAndARemovedRemoteStopsWithoutDeleting() async throws {
        try await TwoClusters.with(secondRemote: true) { clusters in
            let west = try #require(clusters.secondRemote)
            try await clusters.createRemoteService("east-only")
            _ = try await west.create(
                Service(
                    metadata: ObjectMeta(name: "west-only", namespace: clusters.namespace),
                    spec: ServiceSpec(type: .nodePort, ports: [ServicePort(name: "http", port: 80)], selector: ["app": "w"])))
            let local = LocalCluster(client: clusters.local, resyncPeriod: .seconds(60), dryRun: false)
            let fleet = RemoteFleet<String>(local: local, retryDelay: .milliseconds(200))
            let running = Task { await fleet.run() }
            await fleet.apply([
                Self.member("east", clusters.remote, clusters: clusters), Self.member("west", west, clusters: clusters),
            ])
            try await expectEventually { await Self.writer(of: "east-only", clusters) == "kubeconfig/east" }
            try await expectEventually { await Self.writer(of: "west-only", clusters) == "kubeconfig/west" }
            for name in ["east-only", "west-only"] {
                try await expectEventually("\(name) has endpoints") {
                    try await !EndToEndTests.endpointsOf(clusters, name).ready.isEmpty
                }
            }

            // West leaves the configuration: its mirror stays (its remote service still exists), and it no
            // longer follows its remote.
            await fleet.apply([Self.member("east", clusters.remote, clusters: clusters)])
            #expect(fleet.memberNames == ["east"])
            _ = try await west.create(
                Service(
                    metadata: ObjectMeta(name: "west-later", namespace: clusters.namespace),
                    spec: ServiceSpec(type: .nodePort, ports: [ServicePort(name: "http", port: 80)], selector: ["app": "w"])))
            try await clusters.createRemoteService("east-later")
            try await expectEventually { await Self.writer(of: "east-later", clusters) == "kubeconfig/east" }
            #expect(await Self.writer(of: "west-only", clusters) == "kubeconfig/west", "nothing is deleted")
            #expect(await Self.writer(of: "west-later", clusters) == nil, "west is no longer mirrored")

            // Back in the configuration, it catches up.
            await fleet.apply([
                Self.member("east", clusters.remote, clusters: clusters), Self.member("west", west, clusters: clusters),
            ])
            try await expectEventually { await Self.writer(of: "west-later", clusters) == "kubeconfig/west" }
            running.cancel()
            await running.value
        }
    }

    /// A plain service of one remote's own.
    static func createPlainService(_ name: String, in remote: KubeClient, _ clusters: TwoClusters) async throws {
        _ = try await remote.create(
            Service(
                metadata: ObjectMeta(name: name, namespace: clusters.namespace),
                spec: ServiceSpec(type: .nodePort, ports: [ServicePort(name: "http", port: 80)], selector: ["app": name])))
    }

    @Test func twoRemotesWithAFederatedAndPlainServicesWriteNothingInTheSteadyStateThroughResyncs() async throws {
        try await TwoClusters.with(secondRemote: true) { clusters in
            let west = try #require(clusters.secondRemote)
            // `web` federated in both; `east-only` and `west-only` plain; `clash` plain in both (the first owner
            // keeps it, the other reports the conflict).
            try await FederationEndToEndTests.createService(clusters.remote, clusters)
            try await FederationEndToEndTests.createService(west, clusters)
            try await Self.createPlainService("east-only", in: clusters.remote, clusters)
            try await Self.createPlainService("west-only", in: west, clusters)
            for remote in [clusters.remote, west] { try await Self.createPlainService("clash", in: remote, clusters) }
            // Resyncs every 2 s: the window below sees each cache deliver everything again several times.
            let resync = Duration.seconds(2)
            let fleet = RemoteFleet<String>(
                local: LocalCluster(client: clusters.local, resyncPeriod: resync, dryRun: false),
                retryDelay: .milliseconds(200))
            let running = Task { await fleet.run() }
            await fleet.apply([
                Self.member("east", clusters.remote, clusters: clusters, resync: resync),
                Self.member("west", west, clusters: clusters, resync: resync),
            ])
            let union = try await (FederationEndToEndTests.servingNodes(clusters.remote)
                + FederationEndToEndTests.servingNodes(west)).map(\.address).sorted()
            try await expectEventually("web is served by both") {
                try await EndToEndTests.endpointsOf(clusters, "web").ready == union
            }
            try await expectEventually { await Self.writer(of: "east-only", clusters) == "kubeconfig/east" }
            try await expectEventually { await Self.writer(of: "west-only", clusters) == "kubeconfig/west" }
            try await expectEventually("the clash is reported") {
                try await clusters.local.list(Event.self, namespace: clusters.namespace).items
                    .contains { $0.reason == "OwnershipConflict" && $0.involvedObject.name == "clash" }
            }
            for name in ["east-only", "west-only", "clash"] {
                try await expectEventually("\(name) has endpoints") {
                    try await !EndToEndTests.endpointsOf(clusters, name).ready.isEmpty
                }
            }

            try await Task.sleep(for: .seconds(2))
            let before = try await OwnershipEndToEndTests.fingerprint(clusters.local, [clusters.namespace])
            clusters.localServer?.state.faults.resetCounts()
            try await Task.sleep(for: .seconds(8))
            #expect(try await OwnershipEndToEndTests.fingerprint(clusters.local, [clusters.namespace]) == before)
            if let server = clusters.localServer {
                #expect(server.state.faults.writeCount() == 0, "two remotes in steady state write nothing")
            }
            running.cancel()
            await running.value
        }
    }

    @Test func aRemoteThatCannotBeResolvedAffectsOnlyItself() async throws {
        try await TwoClusters.with(inProcessOnly: true) { clusters in
            try await clusters.createRemoteService("east-only")
            let fleet = RemoteFleet<String>(
                local: LocalCluster(client: clusters.local, resyncPeriod: .seconds(60), dryRun: false),
                retryDelay: .milliseconds(200))
            let running = Task { await fleet.run() }
            await fleet.apply([
                Self.member("east", clusters.remote, clusters: clusters),
                Self.member("broken", clusters.remote, clusters: clusters, resolveFails: true),
            ])
            try await expectEventually { await Self.writer(of: "east-only", clusters) == "kubeconfig/east" }
            #expect(fleet.memberNames == ["broken", "east"])
            running.cancel()
            await running.value
        }
    }
}
