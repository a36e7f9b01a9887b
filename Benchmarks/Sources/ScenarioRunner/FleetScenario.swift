import BenchmarkFixtures
import Controllers
import Foundation
import KubeAPI
import TestAPIServer

/// `--remotes N`: N remote test servers, each seeded with the scenario's nodes and services, and one local server;
/// barrelman runs as one process for every remote (a `-remote-config` file) and/or as one process per remote
/// (`--processes`), on fresh servers for each. Measured per mode: when each remote's mirrors and slices have
/// converged, the peak RSS (VmHWM) and private memory summed over the barrelman processes, and their CPU.
///
/// Each remote's services live in a namespace of its own (`bench-r<r>`): mirrors of two remotes with the same
/// namespace and name would be one local service, which only one of them may own. Each remote's nodes have
/// addresses of their own (10.r.x.y), so one process probes as many distinct nodes as N processes do.
struct FleetScenario {
    let arguments: ScenarioArguments
    var results = ResultTable()

    init(arguments: ScenarioArguments) {
        self.arguments = arguments
    }

    static func namespace(_ remote: Int) -> String { "bench-r\(remote)" }
    static func remoteName(_ remote: Int) -> String { "remote-\(remote)" }

    /// Node `index` of remote `remote`: 10.remote.x.y (`RealisticNode`'s second octet is bits 16–20 of the index).
    static func nodeIP(remote: Int, index: Int) -> String { RealisticNode.internalIP(remote << 16 | index) }

    /// What one mode measured, for the comparison of the modes.
    struct Figures {
        var converged: Duration?
        var peakRSS: Int
        var anonymousRSS: Int
        var cpuSeconds: Double
    }

    mutating func run() async throws {
        var figures: [FleetMode: Figures] = [:]
        for mode in arguments.fleetModes {
            figures[mode] = try await run(mode)
        }
        guard let one = figures[.oneProcess], let separate = figures[.processPerRemote] else { return }
        results.scenario = "\(arguments.name) x \(arguments.remotes) remotes, one process / \(arguments.remotes) processes"
        results.addRatio("summed peak RSS (VmHWM)", Double(one.peakRSS) / Double(max(separate.peakRSS, 1)), target: "< 0.4 at 10 remotes (issue #19)")
        results.addRatio(
            "summed private memory (RssAnon) at the end", Double(one.anonymousRSS) / Double(max(separate.anonymousRSS, 1)),
            target: "")
        results.addRatio("CPU from start to end", one.cpuSeconds / max(separate.cpuSeconds, 0.001), target: "")
        if let a = one.converged, let b = separate.converged {
            results.addRatio(
                "every remote converged, last write committed", a.seconds / max(b.seconds, 0.001),
                target: "<= about 1 (the same convergence per remote)")
        }
    }

    private mutating func run(_ mode: FleetMode) async throws -> Figures {
        let count = arguments.remotes
        let services = arguments.services
        let nodes = arguments.nodes
        results.scenario = "\(arguments.name) x \(count) remotes, \(mode == .oneProcess ? "one process" : "\(count) processes")"

        var remoteOptions = Scenario.serverOptions(writeCost: arguments.writeCost)
        remoteOptions.store.nodePortRange = 30000...(30000 + 2 * services + 100)
        var remoteServers: [TestAPIServer] = []
        for _ in 0..<count { remoteServers.append(try await TestAPIServer.start(options: remoteOptions)) }
        var localOptions = Scenario.serverOptions(writeCost: arguments.writeCost)
        localOptions.store.serviceCIDR = "10.112.0.0/16"
        let localServer = try await TestAPIServer.start(options: localOptions)
        let transport = HTTPTransport()
        defer { transport.shutdown() }

        let seedStart = ContinuousClock.now
        let servers = remoteServers
        try await forEachConcurrently(0..<count, width: count) { remote in
            let seeder = KubeClient(
                config: Scenario.config(servers[remote]), options: KubeClientOptions(qps: 0), transport: transport)
            try await Self.seed(seeder, remote: remote, nodes: nodes, services: services)
        }
        results.add("seeding the \(count) remotes (not barrelman)", ContinuousClock.now - seedStart, target: nil)

        let probes = (0..<count).map { LocalClusterProbe(state: localServer.state, namespace: Self.namespace($0)) }
        let faults = localServer.state.faults
        faults.resetCounts()
        let answeringNodes = try await AnsweringNodes.start()
        let start = ContinuousClock.now
        let children = try startChildren(mode, remotes: remoteServers, local: localServer, nodes: answeringNodes)
        defer { for child in children where child.process.isRunning { child.process.terminate() } }

        // 1. every remote's first full sync, each seen by the 50 ms probe when its namespace is complete
        let perService = arguments.nodesPerService > 0 ? min(arguments.nodesPerService, nodes) : nodes
        var seen: [Duration?] = Array(repeating: nil, count: count)
        let synced = await waitUntil(timeout: .seconds(600), interval: .milliseconds(50)) {
            let now = ContinuousClock.now
            for remote in 0..<count where seen[remote] == nil {
                let probe = probes[remote]
                if probe.serviceCount == services && probe.servicesWithAllEndpoints(nodes: perService) == services {
                    seen[remote] = now - start
                }
            }
            return children.contains { $0.exitReport != nil } || seen.allSatisfy { $0 != nil }
        }
        if let exit = children.lazy.compactMap(\.exitReport).first { throw RunError(exit) }
        let syncCPU = Self.sum(children) { ChildProcessStats.cpuSeconds(pid: $0) }
        let syncPeak = Self.sum(children) { ChildProcessStats.peakRSS(pid: $0) }
        let committed = [localServer.state.lastCommitted("services"), localServer.state.lastCommitted("endpointslices")]
            .compactMap { $0 }.max().map { $0 - start }
        let converged = synced ? committed : nil
        results.add(
            "every remote's first full sync (\(count) x \(services) services + slices), last write committed", converged,
            target: "the same in both modes")
        let times = seen.compactMap { $0?.seconds }
        if let first = times.min(), let last = times.max() {
            results.addText(
                "  per remote, seen by the 50 ms probe (\(times.count)/\(count)): first - last", "\(Self.format(first)) - \(Self.format(last)) s",
                target: "")
            let inOrder = seen.map { $0.map { Self.format($0.seconds) } ?? "timed out" }
            results.addText("  per remote, in order", inOrder.joined(separator: ", "), target: "")
        }
        results.addCPU("CPU during sync (summed over the barrelman processes)", syncCPU)
        try await Task.sleep(for: .seconds(1))
        results.addCount(
            "writes during sync (local, +1 s settle)", faults.writeCount(),
            expected: "\(count * 2 * services) + namespaces (2 per service, per remote)")
        for resource in ["namespaces", "services", "endpointslices", "events"] {
            results.addCount("  of which \(resource)", faults.writeCount(resource: resource), expected: "")
        }

        // 2. idle: the node probes of every remote's nodes
        faults.resetCounts()
        // The remotes' 60 s resyncs run on timers from their start: say when the window holds one.
        let idleFrom = (ContinuousClock.now - start).seconds
        let resyncInside = ((idleFrom + Double(arguments.idleSeconds)) / 60).rounded(.down) > (idleFrom / 60).rounded(.down)
        let idleLabel = "\(arguments.idleSeconds) s idle\(resyncInside ? " (the 60 s resync inside)" : "")"
        let idleCPUStart = Self.sum(children) { ChildProcessStats.cpuSeconds(pid: $0) }
        try await Task.sleep(for: .seconds(arguments.idleSeconds))
        let idleCPU = Self.sum(children) { ChildProcessStats.cpuSeconds(pid: $0) } - idleCPUStart
        results.addShareOfCore("CPU during \(idleLabel) (summed)", idleCPU, over: Double(arguments.idleSeconds), target: nil)
        results.addCount("writes during \(idleLabel)", faults.writeCount(), expected: "0")
        if let exit = children.lazy.compactMap(\.exitReport).first { throw RunError(exit) }

        // 3. memory and CPU of the barrelman processes
        let peak = Self.sum(children) { ChildProcessStats.peakRSS(pid: $0) }
        let anonymous = Self.sum(children) { ChildProcessStats.anonymousRSS(pid: $0) }
        let cpu = Self.sum(children) { ChildProcessStats.cpuSeconds(pid: $0) }
        results.addBytes("peak RSS (VmHWM), summed over \(children.count) process(es)", peak, target: nil)
        results.addBytes("  of it at the end of the sync", syncPeak, target: nil)
        if children.count > 1 {
            let peaks = children.map { ChildProcessStats.peakRSS(pid: $0.process.processIdentifier) }
            results.addText(
                "  per process: smallest - largest", "\(Self.mebibytes(peaks.min() ?? 0)) - \(Self.mebibytes(peaks.max() ?? 0)) MiB", target: "")
        }
        results.addBytes("  now: private (RssAnon: heap, stacks), summed", anonymous, target: nil)
        results.addBytes(
            "  now: file-backed code (RssFile, shared pages counted per process), summed",
            Self.sum(children) { ChildProcessStats.fileRSS(pid: $0) }, target: nil)
        results.addCPU("CPU seconds from barrelman start to end (summed)", cpu)

        for child in children where child.process.isRunning { child.process.terminate() }
        for child in children { child.process.waitUntilExit() }
        await answeringNodes.stop()
        for server in remoteServers { await server.stop() }
        await localServer.stop()
        return Figures(converged: converged, peakRSS: peak, anonymousRSS: anonymous, cpuSeconds: cpu)
    }

    // MARK: the barrelman processes

    /// One barrelman process and where it logs.
    struct Child {
        let process: Process
        let logPath: String
        var exitReport: String? { BarrelmanChild.exitReport(process, logPath: logPath) }
    }

    /// One barrelman with a `-remote-config` file naming every remote, or one per remote with the single-remote
    /// flags; both with the flags `BarrelmanChild.spawn` gives the single-remote scenario, and every node probe
    /// sent to `nodes`.
    private func startChildren(
        _ mode: FleetMode, remotes: [TestAPIServer], local: TestAPIServer, nodes: AnsweringNodes
    ) throws -> [Child] {
        let binary = try BarrelmanChild.requireBinary()
        let directory = BarrelmanChild.workDirectory.appendingPathComponent(mode == .oneProcess ? "one-process" : "per-remote")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func endpoint(_ server: TestAPIServer) -> ClusterEndpoint {
            ClusterEndpoint(url: server.url, caPEM: server.certificateAuthorityPEM, token: server.adminToken)
        }
        let localKubeconfig = try endpoint(local).writeKubeconfig(in: directory, name: "local")
        let remoteKubeconfigs = try remotes.indices.map {
            try endpoint(remotes[$0]).writeKubeconfig(in: directory, name: Self.remoteName($0))
        }
        var common = [
            "-resync-period", "1m", "-leader-elect=false", "-listen-address", "127.0.0.1:0", "-kube-api-burst", String(arguments.burst),
        ]
        if let qps = arguments.qps { common += ["-kube-api-qps", String(qps)] }
        common += arguments.barrelmanArguments
        switch mode {
        case .oneProcess:
            let file = directory.appendingPathComponent("remotes.yaml").path
            let entries = remotes.indices.map { remote in
                """
                  - name: \(Self.remoteName(remote))
                    provider: kubeconfig
                    kubeconfig: \(remoteKubeconfigs[remote])
                    id: bench/\(Self.remoteName(remote))
                    namespaces: [\(Self.namespace(remote))]

                """
            }
            guard FileManager.default.createFile(atPath: file, contents: Data(("remotes:\n" + entries.joined()).utf8)) else {
                throw RunError("cannot write \(file)")
            }
            let log = directory.appendingPathComponent("barrelman.log").path
            let arguments = [BarrelmanChild.flag, binary, "-local-kubeconfig", localKubeconfig, "-remote-config", file] + common
            return [Child(process: try BarrelmanChild.start(arguments, logPath: log, nodes: nodes), logPath: log)]
        case .processPerRemote:
            return try remotes.indices.map { remote in
                let log = directory.appendingPathComponent("barrelman-\(Self.remoteName(remote)).log").path
                let arguments = [
                    BarrelmanChild.flag, binary, "-local-kubeconfig", localKubeconfig, "-remote-kubeconfig", remoteKubeconfigs[remote],
                    "-namespace", Self.namespace(remote), "-remote-cluster-id", "bench/\(Self.remoteName(remote))",
                ] + common
                return Child(process: try BarrelmanChild.start(arguments, logPath: log, nodes: nodes), logPath: log)
            }
        }
    }

    // MARK: seeding, as the single-remote scenario seeds its remote

    static func seed(_ client: KubeClient, remote: Int, nodes: Int, services: Int) async throws {
        let namespace = Self.namespace(remote)
        _ = try await client.create(Namespace(metadata: ObjectMeta(name: namespace)))
        try await forEachConcurrently(0..<nodes) { index in
            var node = try await client.create(RawNode(body: RealisticNode.body(index)))
            node.body["status"] = RealisticNode.status(index, ip: Self.nodeIP(remote: remote, index: index), ready: true)
            _ = try await client.update(node, subresource: "status")
        }
        try await forEachConcurrently(0..<services) { index in
            _ = try await client.create(Scenario.service(index, namespace: namespace))
        }
    }

    // MARK: figures

    private static func sum<T: AdditiveArithmetic>(_ children: [Child], _ figure: (Int32) -> T) -> T {
        children.reduce(.zero) { $0 + figure($1.process.processIdentifier) }
    }

    private static func format(_ seconds: Double) -> String { String((seconds * 100).rounded() / 100) }

    private static func mebibytes(_ bytes: Int) -> String { String((Double(bytes) / 1_048_576 * 10).rounded() / 10) }
}
