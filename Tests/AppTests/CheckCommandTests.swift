import Foundation
import KubeAPI
import TestAPIServer
import TestSupport
import Testing

/// `barrelman check`, the binary against two in-process test API servers. The remote nodes' ports are loopback
/// listeners of a `LoopbackNodeFleet`, handed to the binary through `BARRELMAN_TEST_NODE_DIAL`: no dial leaves
/// the machine.
@Suite("barrelman check")
struct CheckCommandTests {
    /// What barrelman's ServiceAccount may do locally under deploy/base's ClusterRole and its Role (in `default`),
    /// from the table `DeployDriftTests` holds the manifests to; optionally without one verb.
    static func barrelmanRules(without missing: String? = nil) -> AccessRules {
        let grants = DeployDriftTests.clusterRoleGrants.union(DeployDriftTests.roleGrants).subtracting([missing ?? ""])
        return .rules(
            grants.sorted().map { grant in
                // "group/resource:verb"
                let (resourcePart, verb) = (grant.prefix { $0 != ":" }, grant.drop { $0 != ":" }.dropFirst())
                let group = String(resourcePart.prefix { $0 != "/" })
                let resource = String(resourcePart.drop { $0 != "/" }.dropFirst())
                return AccessRule(
                    verbs: [String(verb)], resources: [resource], groups: [group],
                    namespaces: resource == "leases" ? ["default"] : nil)
            })
    }

    /// The text after `STATUS  name` on the report line of check `name`, or nil when it has another status.
    static func line(_ status: String, _ name: String, in output: String) -> String? {
        output.split(separator: "\n").first { $0.hasPrefix("\(status)  \(name)  ") }
            .map { String($0.dropFirst(status.count + 2 + name.count)).trimmingCharacters(in: .whitespaces) }
    }

    /// The remote nodes on loopback and a NodePort service `web` in the remote; `body` gets the check's
    /// arguments (both kubeconfigs, the local one as `localToken`'s user) and the dial rules for the binary.
    static func withSetup(
        localToken: ((TestClusterPair) -> String)? = nil, healthPortRefused: Bool = false,
        _ body: (TestClusterPair, _ arguments: [String], _ environment: [String: String]) async throws -> Void
    ) async throws {
        try await TestClusterPair.with { clusters in
            try await clusters.createRemoteService("web")
            let web = try await clusters.remote.get(Service.self, name: "web", namespace: clusters.namespace)
            let nodePort = try #require(web.spec.ports.first?.nodePort)
            let fleet = try await LoopbackNodeFleet.start()
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            do {
                var rules: [String] = []
                for (name, address) in [("node-a", "10.0.0.1"), ("node-b", "10.0.0.2")] {
                    try await fleet.add(name: name, address: address)
                    if healthPortRefused { fleet.setRefused(address, port: 10256, true) }
                    for port in [10256, Int(nodePort)] {
                        rules.append("\(address):\(port)=127.0.0.1:\(fleet.route(address: address, port: port))")
                    }
                }
                let local = try clusters.localServer.writeKubeconfig(
                    named: "local", in: directory, token: localToken?(clusters))
                let remote = try clusters.remoteServer.writeKubeconfig(named: "remote", in: directory)
                try await body(
                    clusters, ["check", "-local-kubeconfig", local, "-remote-kubeconfig", remote],
                    ["BARRELMAN_TEST_NODE_DIAL": rules.joined(separator: ",")])
            } catch {
                await fleet.stop()
                throw error
            }
            await fleet.stop()
        }
    }

    @Test("a healthy setup (deploy/base's roles, barrelman running and leading) passes every check and exits 0")
    func healthySetupPasses() async throws {
        try await Self.withSetup(localToken: { $0.localServer.addUser(name: "barrelman", rules: Self.barrelmanRules()) }) {
            clusters, arguments, environment in
            let flags = Array(arguments.dropFirst()) + ["-leader-elect=true", "-leader-elect-namespace", "default"]
            let running = try BarrelmanProcess.start(flags + ["-listen-address", "127.0.0.1:0"], environment: environment)
            defer { running.cleanUp() }
            try await expectEventually("barrelman wrote web's slice with both nodes", timeout: .seconds(60)) {
                let slices = try? await clusters.local.list(EndpointSlice.self, namespace: clusters.namespace)
                return slices?.items.contains { $0.endpoints.count == 2 } ?? false
            }
            let result = try await BarrelmanBinary.run(["check"] + flags, environment: environment)
            #expect(result.exitCode == 0, "\(result)")
            for check in ["flags", "local kubeconfig", "local API", "remote credentials", "remote API", "remote permissions",
                "local permissions", "node health port", "node ports", "mirrors", "orphans", "ownership", "leader"]
            {
                #expect(Self.line("PASS", check, in: result.stdout) != nil, "no PASS for \(check):\n\(result.stdout)")
            }
            #expect(Self.line("PASS", "local permissions", in: result.stdout) == "all 21 verbs granted", "\(result.stdout)")
            #expect(
                Self.line("PASS", "node health port", in: result.stdout)?.hasPrefix(
                    "10256 answers on 2 of 2 sampled nodes (node-a HTTP 200, node-b HTTP 200)") == true, "\(result.stdout)")
            #expect(
                Self.line("PASS", "mirrors", in: result.stdout)
                    == "1 remote services qualify, 1 local services served by this instance, each with a ready endpoint",
                "\(result.stdout)")
            #expect(Self.line("PASS", "leader", in: result.stdout)?.contains(" leads (Lease default/barrelman-") == true, "\(result.stdout)")
            #expect(result.stdout.hasSuffix("barrelman check: ok (13 pass)\n"), "\(result.stdout)")
        }
    }

    @Test("a local user lacking one verb and firewalled health ports are both named with their fixes, exit 1")
    func missingVerbAndFirewalledHealthPort() async throws {
        try await Self.withSetup(
            localToken: { $0.localServer.addUser(name: "barrelman", rules: Self.barrelmanRules(without: "discovery.k8s.io/endpointslices:delete")) },
            healthPortRefused: true
        ) { _, arguments, environment in
            let result = try await BarrelmanBinary.run(arguments, environment: environment)
            #expect(result.exitCode == 1, "\(result)")
            let out = result.stdout
            #expect(
                Self.line("FAIL", "local permissions", in: out)
                    == "lacks delete on endpointslices.discovery.k8s.io cluster-wide (17 of 18 granted)", "\(out)")
            #expect(
                out.contains(
                    "fix: grant {apiGroups: [\"discovery.k8s.io\"], resources: [endpointslices], verbs: [delete]} in barrelman's ClusterRole (deploy/base/clusterrole.yaml)"),
                "\(out)")
            let health = try #require(Self.line("WARN", "node health port", in: out), "\(out)")
            #expect(health.hasPrefix("10256 answers on none of 2 sampled nodes (node-a refused, node-b refused)"), "\(out)")
            #expect(health.contains("-node-health-check auto falls back to TCP connects to node ports"), "\(out)")
            #expect(out.contains("fix: open TCP 10256 (kube-proxy's health port) from the local cluster's node and pod ranges"), "\(out)")
            #expect(Self.line("PASS", "node ports", in: out)?.hasPrefix("node port ") == true, "\(out)")
            #expect(out.contains("barrelman check: FAILED ("), "\(out)")
        }
    }

    @Test("node ports that answer nowhere fail: traffic cannot flow")
    func refusedNodePortsFail() async throws {
        try await Self.withSetup { _, arguments, _ in
            let result = try await BarrelmanBinary.run(arguments, environment: ["BARRELMAN_TEST_NODE_DIAL": "*:*=refuse"])
            #expect(result.exitCode == 1, "\(result)")
            #expect(Self.line("FAIL", "node ports", in: result.stdout)?.hasSuffix("traffic through the mirrors cannot flow") == true, "\(result.stdout)")
            #expect(result.stdout.contains("fix: open the remote node-port range (TCP 30000-32767)"), "\(result.stdout)")
        }
    }

    @Test("-o json is the same report as one JSON object")
    func jsonOutputParses() async throws {
        try await Self.withSetup(
            localToken: { $0.localServer.addUser(name: "barrelman", rules: Self.barrelmanRules(without: "/events:create")) }
        ) { _, arguments, environment in
            let result = try await BarrelmanBinary.run(arguments + ["-o", "json", "-leader-elect=false"], environment: environment)
            #expect(result.exitCode == 1, "\(result)")
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
            #expect(object["ok"] as? Bool == false)
            let checks = try #require(object["checks"] as? [[String: Any]])
            let permissions = try #require(checks.first { $0["name"] as? String == "local permissions" })
            #expect(permissions["status"] as? String == "fail")
            #expect((permissions["detail"] as? String)?.contains("lacks create on events cluster-wide") == true)
            #expect((permissions["fix"] as? String)?.contains("deploy/base/clusterrole.yaml") == true)
            #expect(checks.allSatisfy { ["pass", "warn", "fail", "skip"].contains($0["status"] as? String ?? "") })
        }
    }

    @Test("-node-health-check off dials nothing, and flags that do not parse fail the check with exit 2")
    func offAndBadFlags() async throws {
        try await Self.withSetup { _, arguments, _ in
            let off = try await BarrelmanBinary.run(arguments + ["-node-health-check", "off"])
            #expect(off.exitCode == 0, "\(off)")
            #expect(Self.line("SKIP", "node reachability", in: off.stdout)?.hasPrefix("-node-health-check off") == true, "\(off.stdout)")

            let bad = try await BarrelmanBinary.run(arguments + ["-resync-period", "soon"])
            #expect(bad.exitCode == 2, "\(bad)")
            #expect(Self.line("FAIL", "flags", in: bad.stdout)?.hasPrefix("from the command line: -resync-period soon: not a duration") == true, "\(bad.stdout)")
            let undefined = try await BarrelmanBinary.run(["check", "-no-such-flag"])
            #expect(undefined.exitCode == 2, "\(undefined)")
            #expect(undefined.stdout.contains("flag provided but not defined: -no-such-flag"), "\(undefined.stdout)")
            let output = try await BarrelmanBinary.run(["check", "-o", "yaml"])
            #expect(output.exitCode == 2, "\(output)")
            #expect(output.stderr.contains("-o yaml: use text or json"), "\(output)")
        }
    }
}
