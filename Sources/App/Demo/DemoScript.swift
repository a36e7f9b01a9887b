import Controllers
import Foundation
import KubeAPI
import Logging

/// `barrelman demo`: a remote cluster with three nodes and a few services, an empty local cluster, the
/// controllers between them, and a short script of remote changes so the reader sees each reaction.
struct DemoScript {
    var pause: Duration = .seconds(2)
    /// Stop after the script instead of running until Ctrl-C (for CI's smoke run).
    var exitAfterScript = false
    var logger = Logger(label: "barrelman.demo")

    func run() async throws {
        // Unbuffered, so each line shows as it happens even when piped.
        let say: @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) }
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
        let barrelman = Barrelman(
            local: clusters.local, remote: clusters.remote,
            options: BarrelmanOptions(settings: settings, resyncPeriod: .seconds(60)), logger: logger)

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

        say("\n==> remote: foo/bar's nodePort changes 30080 -> 30090")
        try await clusters.setRemoteNodePort("foo", "bar", port: 80, nodePort: 30090)
        try await Task.sleep(for: pause)

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
}
