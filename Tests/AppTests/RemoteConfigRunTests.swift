import Foundation
import KubeAPI
import TestAPIServer
import TestSupport
import Testing

/// `barrelman -remote-config FILE`: the real binary mirroring several remotes, the file re-read as it changes.
@Suite("barrelman with a remote-config file", .timeLimit(.minutes(3)))
struct RemoteConfigRunTests {
    static func remoteConfig(_ remotes: [(name: String, kubeconfig: String)]) -> String {
        "remotes:\n"
            + remotes.map { "  - name: \($0.name)\n    provider: kubeconfig\n    kubeconfig: \($0.kubeconfig)\n    id: kubeconfig/\($0.name)\n" }
            .joined()
    }

    static func writer(of name: String, _ clusters: TestClusterPair) async -> String? {
        try? await clusters.local.get(Service.self, name: name, namespace: clusters.namespace)
            .metadata.annotations["barrelman.tfw.io/remote-cluster"]
    }

    @Test func aRemoteAddedToTheFileIsMirroredWithoutARestartAndABrokenEditKeepsTheLastGoodOne() async throws {
        try await TestClusterPair.with { clusters in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let west = try await TestAPIServer.start()
            let westClient = KubeClient(config: west.adminConfig(), transport: HTTPTransport())
            _ = try await westClient.create(Namespace(metadata: ObjectMeta(name: clusters.namespace)))
            _ = try await westClient.create(
                Service(
                    metadata: ObjectMeta(name: "west-web", namespace: clusters.namespace),
                    spec: ServiceSpec(type: .nodePort, ports: [ServicePort(name: "http", port: 80)], selector: ["app": "w"])))
            try await clusters.createRemoteService("east-web")
            let localPath = try clusters.localServer.writeKubeconfig(named: "local", in: directory)
            let eastPath = try clusters.remoteServer.writeKubeconfig(named: "east", in: directory)
            let westPath = try west.writeKubeconfig(named: "west", in: directory)
            let file = directory.url.appendingPathComponent("remotes.yaml")
            try Self.remoteConfig([("east", eastPath)]).write(to: file, atomically: true, encoding: .utf8)

            let process = try BarrelmanProcess.start(
                [
                    "-local-kubeconfig", localPath, "-remote-config", file.path, "-leader-elect=false",
                    "-listen-address", "127.0.0.1:0", "-node-health-check", "off",
                ])
            defer { process.cleanUp() }
            try await expectEventually("east is mirrored", timeout: .seconds(60)) {
                await Self.writer(of: "east-web", clusters) == "kubeconfig/east"
            }
            #expect(await Self.writer(of: "west-web", clusters) == nil)

            try Self.remoteConfig([("east", eastPath), ("west", westPath)]).write(to: file, atomically: true, encoding: .utf8)
            try await expectEventually("west is mirrored once the file names it", timeout: .seconds(30)) {
                await Self.writer(of: "west-web", clusters) == "kubeconfig/west"
            }

            try "remotes:\n  - name: west\n    provider: gke\n".write(to: file, atomically: true, encoding: .utf8)
            try await expectEventually("the broken edit is refused in one line", timeout: .seconds(30)) {
                process.stderr.contains("keeping the last good configuration")
            }
            try await clusters.createRemoteService("east-later")
            try await expectEventually("east still runs", timeout: .seconds(30)) {
                await Self.writer(of: "east-later", clusters) == "kubeconfig/east"
            }
            #expect(process.isRunning)
            await west.stop()
        }
    }

    @Test func aBadRemoteInTheFileRefusesToStartNamingTheRemoteAndTheField() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.url.appendingPathComponent("remotes.yaml")
        try "remotes:\n  - name: east\n    provider: gke\n    project: p\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try await BarrelmanBinary.run(
            ["-local-kubeconfig", "/nonexistent", "-remote-config", file.path, "-node-health-check", "off"])
        #expect(result.exitCode != 0 && result.exitCode != nil, "\(result)")
        let lines = result.stderrLines.filter { $0.contains("remote-config") }
        #expect(lines.count == 1, "\(result)")
        #expect(lines.first?.contains("(east)") == true && lines.first?.contains("field \"zone\"") == true, "\(result)")
    }
}
