import Controllers
import KubeAPI
import TestAPIServer
import TestSupport
import Testing

/// Several remotes in one process over one set of local caches (`-remote-config`): each keeps to its own
/// objects, and the configuration can change while it runs.
@Suite(.timeLimit(.minutes(2))) struct RemoteFleetTests {
    /// A member for `remote` named `name`, identity `kubeconfig/<name>`, bounded to the test's namespace, with
    /// a failover `priority` for federated services.
    static func member(
        _ name: String, _ remote: KubeClient, clusters: TwoClusters, resolveFails: Bool = false, priority: Int? = nil
    ) -> RemoteFleet<String>.Member {
        RemoteFleet<String>.Member(name: name, configuration: name) {
            if resolveFails { throw TransportError.connectionFailed("\(name) cannot be reached") }
            var settings = ControllerSettings(
                allowedNamespaces: [clusters.namespace], remoteClusterName: name, remoteClusterID: "kubeconfig/\(name)")
            settings.priority = priority
            return RemoteFleet.Resolved(
                remote: remote,
                options: BarrelmanOptions(
                    settings: settings, resyncPeriod: .seconds(60), reach: FaultTests.patientProbes,
                    nodeDialer: clusters.nodes),
                lease: nil)
        }
    }

    /// The second remote: an in-process server with the first one's nodes, and the test's namespace.
    static func secondRemote(_ clusters: TwoClusters) async throws -> (TestAPIServer, KubeClient) {
        let server = try await TestAPIServer.start()
        let client = KubeClient(config: server.adminConfig(), transport: HTTPTransport())
        _ = try await client.create(Namespace(metadata: ObjectMeta(name: clusters.namespace)))
        for node in try await clusters.remote.listAll(Node.self).items {
            var copy = try await client.create(Node(metadata: ObjectMeta(name: node.metadata.name, labels: node.metadata.labels)))
            copy.status = node.status
            _ = try await client.update(copy, subresource: "status")
        }
        return (server, client)
    }

    static func writer(of name: String, _ clusters: TwoClusters) async -> String? {
        try? await clusters.local.get(Service.self, name: name, namespace: clusters.namespace)
            .metadata.annotations[BarrelmanLabels.remoteClusterAnnotation]
    }

    @Test func twoRemotesInOneProcessEachMirrorTheirOwnAndARemovedRemoteStopsWithoutDeleting() async throws {
        try await TwoClusters.with(inProcessOnly: true) { clusters in
            let (westServer, west) = try await Self.secondRemote(clusters)
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
            await westServer.stop()
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
