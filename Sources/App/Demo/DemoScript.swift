import AppSupport
import Controllers
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KubeAPI
import Logging
import TestAPIServer

/// `barrelman demo`: a remote cluster with three nodes and a few services, an empty local cluster, the
/// controllers between them, and a short script of remote changes so the reader sees each reaction. The remote
/// nodes answer on loopback (each with its name), so the demo also sends requests through the local mirror and
/// shows a node that stops answering losing its traffic while the remote API still calls it Ready.
struct DemoScript {
    var pause: Duration = .seconds(2)
    /// Stop after the script instead of running until Ctrl-C (for CI's smoke run).
    var exitAfterScript = false
    var logger = Logger(label: "barrelman.demo")

    func run() async throws {
        // Unbuffered, so each line shows as it happens even when piped.
        let say: @Sendable (String) -> Void = { StandardStreams.output(line: $0) }
        say("barrelman demo: two in-process Kubernetes API servers (HTTPS on loopback)")
        let clusters = try await DemoClusters.start()
        say("  remote cluster: \(clusters.remoteServer.url)")
        say("  local cluster:  \(clusters.localServer.url)")

        say("\n==> remote: 3 nodes, NodePort services foo/bar and shop/web, a ClusterIP and an ignored service")
        try await clusters.addRemoteNode("node-a", ip: "10.0.0.1", zone: "europe-west1-b")
        try await clusters.addRemoteNode("node-b", ip: "10.0.0.2", zone: "europe-west1-c")
        try await clusters.addRemoteNode("node-c", ip: "10.0.0.3", zone: "europe-west1-d", ready: false)
        try await clusters.addRemoteService("foo", "bar", ports: [("http", 80, 30080)])
        try await clusters.addRemoteService("shop", "web", ports: [("http", 80, 30081), ("https", 443, 30443)])
        try await clusters.addRemoteService("shop", "cache", type: .clusterIP, ports: [("redis", 6379, nil)])
        try await clusters.addRemoteService(
            "shop", "internal", ports: [("http", 80, 30082)], annotations: ["tfw.io/barrelman": "ignore"])

        let narrator = DemoNarrator(local: clusters.local, printer: say)
        var settings = ControllerSettings()
        settings.remoteClusterName = "remote"
        // Probes and requests reach the nodes through the fleet: the demo never dials a node address.
        let network = DemoNodeNetwork(fleet: clusters.nodes)
        let barrelman = Barrelman(
            local: clusters.local, remote: clusters.remote,
            options: BarrelmanOptions(settings: settings, resyncPeriod: .seconds(60), nodeDialer: network),
            logger: logger)
        let traffic = DemoTraffic(local: clusters.local, network: network, transport: clusters.transport)
        let sendTraffic: @Sendable () async throws -> Void = {
            let answers = try await traffic.send(6, to: "foo", "bar")
            say("  traffic: 6 requests to foo/bar answered by \(answers.joined(separator: ", "))")
        }

        say("\n==> barrelman starts: it mirrors foo/bar and shop/web, not the ClusterIP or ignored service")
        let background = Task {
            await withDiscardingTaskGroup { group in
                group.addTask { await barrelman.run() }
                group.addTask { await narrator.run() }
            }
        }
        try await Task.sleep(for: pause)

        say("\n==> remote: node-b's InternalIP changes 10.0.0.2 -> 10.0.0.12")
        try await clusters.setRemoteNode("node-b", ip: "10.0.0.12", ready: true)
        try await Task.sleep(for: pause)

        say("\n==> remote: node-c becomes Ready")
        try await clusters.setRemoteNode("node-c", ip: "10.0.0.3", ready: true)
        try await Task.sleep(for: pause)

        say("\n==> local pods call foo/bar: kube-proxy spreads connections over the mirror's ready endpoints")
        try await sendTraffic()

        say("\n==> remote: foo/bar's nodePort changes 30080 -> 30090")
        try await clusters.setRemoteNodePort("foo", "bar", port: 80, nodePort: 30090)
        try await Task.sleep(for: pause)

        // node-a's listener changes behaviour; the remote API is not told. How long until its endpoint follows?
        let nodeA: @Sendable (LoopbackNodeFleet.Behaviour, String) async throws -> Void = { behaviour, cause in
            clusters.nodes.set("10.0.0.1", behaviour)
            let ready = behaviour == .answering
            let took = try await waitForEndpoint(of: traffic, "10.0.0.1", ready: ready)
            let change = ready ? "is back in" : "left"
            say(
                took.map { "  node-a \(change) foo/bar's ready endpoints \(Self.seconds($0)) after \(cause)" }
                    ?? "  node-a has not \(ready ? "come back to" : "left") foo/bar's ready endpoints within 60 s")
            try await sendTraffic()
        }
        say("\n==> node-a stops answering (connections hang), while the remote API still says it is Ready")
        try await nodeA(.hanging, "it stopped answering")
        say("\n==> node-a answers again")
        try await nodeA(.answering, "it answered again")

        say("\n==> remote: shop/web is deleted")
        try await clusters.remote.delete(Service.self, name: "web", namespace: "shop")
        try await Task.sleep(for: pause)

        if exitAfterScript {
            say("\n==> done")
            background.cancel()
            await background.value
            await clusters.stop()
            return
        }
        say("\n==> barrelman keeps running; press Ctrl-C to stop")
        await withTaskCancellationHandler {
            await background.value
        } onCancel: {
            background.cancel()
        }
        await clusters.stop()
    }

    /// How long until `address` is (or is no longer) among foo/bar's ready endpoints in the local cluster;
    /// nil if that did not happen within a minute.
    private func waitForEndpoint(of traffic: DemoTraffic, _ address: String, ready: Bool) async throws -> Duration? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .seconds(60) {
            let endpoints = try await traffic.readyEndpoints("foo", "bar")
            if endpoints.contains(where: { $0.address == address }) == ready { return ContinuousClock.now - start }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    /// "2.3 s".
    private static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return "\(milliseconds / 1000).\(milliseconds % 1000 / 100) s"
    }
}
