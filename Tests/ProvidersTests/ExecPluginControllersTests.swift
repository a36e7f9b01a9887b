import Controllers
import Foundation
import KubeAPI
import Providers
import TestAPIServer
import TestSupport
import Testing

/// barrelman's controllers with the remote cluster reached through a kubeconfig exec plugin whose tokens
/// expire while the watches run, and which the server really stops accepting at their expiry.
@Suite struct ExecPluginControllersTests {
    /// Each token lives in a 3 s slot of wall-clock time.
    static let lifetime = 3

    @Test func controllersMirrorThroughAnExecPluginAcrossTokenExpiry() async throws {
        try await KubeconfigProviderTests.withServer { server, files in
            // Tokens for the next two minutes, slot by slot, each accepted until its slot ends. The plugin
            // hands out the slot of "now + 1 s", so a refresh shortly before an expiry gets the next token.
            let origin = Int(Date().timeIntervalSince1970)
            let formatter = ISO8601DateFormatter()
            var lines: [String] = []
            for slot in 0..<40 {
                let token = "exec-\(slot)-\(UUID().uuidString.lowercased())"
                let expiry = Date(timeIntervalSince1970: Double(origin + (slot + 1) * Self.lifetime))
                server.state.authenticator.addUser(token: token, name: "exec-user", expiresAt: expiry)
                lines.append("\(token) \(formatter.string(from: expiry))")
            }
            let tokens = try files.write("tokens", lines.joined(separator: "\n") + "\n")
            let runs = (files.path as NSString).appendingPathComponent("runs")
            let plugin = try files.write(
                "plugin.sh",
                """
                #!/bin/sh
                echo run >> "\(runs)"
                slot=$(( ($(date +%s) + 1 - \(origin)) / \(Self.lifetime) ))
                line=$(sed -n "$((slot + 1))p" "\(tokens)")
                printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s","expirationTimestamp":"%s"}}' "${line%% *}" "${line#* }"
                """, executable: true)
            let kubeconfig = try files.write(
                "config",
                KubeconfigProviderTests.kubeconfig(
                    server: server,
                    userLines: ["exec:", "  apiVersion: client.authentication.k8s.io/v1", "  command: \(plugin)", "  interactiveMode: Never"]))
            func pluginRuns() -> Int {
                ((try? String(contentsOfFile: runs, encoding: .utf8)) ?? "").split(separator: "\n").count
            }

            let transport = HTTPTransport()
            defer { transport.shutdown() }
            let admin = KubeClient(config: server.adminConfig(), transport: transport)
            var node = try await admin.create(Node(metadata: ObjectMeta(name: "exec-node")))
            node.status = NodeStatus(
                addresses: [NodeAddress(type: "InternalIP", address: "10.128.0.9")],
                conditions: [NodeCondition(type: "Ready", status: "True")])
            _ = try await admin.update(node, subresource: "status")
            _ = try await admin.create(
                Service(
                    metadata: ObjectMeta(name: "web", namespace: "remote-ns"),
                    spec: ServiceSpec(type: .nodePort, ports: [ServicePort(name: "http", port: 80)])))

            let provider = try ProviderRegistry.standard.makeProvider(
                flags: ProviderFlags(remoteKubeconfig: kubeconfig, remoteContext: "remote-context"),
                environment: ProviderEnvironment(
                    variables: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"], transport: transport))
            let barrelman = try await BarrelmanThroughProvider.start(provider, transport: transport)
            defer { barrelman.running.cancel() }
            let local = barrelman.local

            let mirrored = try await eventually(timeout: .seconds(20)) {
                let slices = try await local.list(EndpointSlice.self, namespace: "remote-ns").items
                return slices.flatMap(\.endpoints).flatMap(\.addresses) == ["10.128.0.9"]
            }
            #expect(mirrored)

            // The server really stops accepting the first slot's token when it expires.
            let firstToken = String(lines[0].prefix { $0 != " " })
            let firstExpiry = Date(timeIntervalSince1970: Double(origin + Self.lifetime))
            try await Task.sleep(for: .seconds(max(0, firstExpiry.timeIntervalSinceNow) + 0.2))
            let expiredClient = KubeClient(config: server.config(token: firstToken), transport: transport)
            await #expect(throws: (any Error).self, "an expired token is refused") {
                _ = try await expiredClient.list(Namespace.self)
            }

            // Three times: outlive the token in use (a slot plus the 1 s head start), cut the watches so
            // reconnecting needs a fresh token, and change the remote: the change must arrive within seconds.
            for round in 1...3 {
                let runsBefore = pluginRuns()
                try await Task.sleep(for: .seconds(Double(Self.lifetime) + 1.2))
                server.state.abortAllWatches()
                var service = try await admin.get(Service.self, name: "web", namespace: "remote-ns")
                let nodePort = Int32(31900 + round)
                service.spec.ports[0].nodePort = nodePort
                _ = try await admin.update(service)
                let followed = try await eventually(timeout: .seconds(10)) {
                    let mirror = try? await local.get(Service.self, name: "web", namespace: "remote-ns")
                    return mirror?.spec.ports.first?.targetPort == .int(Int(nodePort))
                }
                #expect(followed, "round \(round): the change after the token expired arrived locally")
                #expect(pluginRuns() > runsBefore, "round \(round): the plugin ran again for a fresh token")
            }

            await barrelman.stop()
            await barrelman.localServer.stop()
        }
    }
}
