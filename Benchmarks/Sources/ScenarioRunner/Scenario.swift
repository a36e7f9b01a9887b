import BenchmarkFixtures
import Controllers
import KubeAPI
import Logging
import TestAPIServer

/// One run: seed the remote cluster, run barrelman in-process, measure sync, a node change, service changes and idle.
struct Scenario {
    let arguments: ScenarioArguments
    let namespace = "bench"
    var results = ResultTable()

    init(arguments: ScenarioArguments) {
        self.arguments = arguments
        results.scenario = "\(arguments.name) (\(arguments.nodes) nodes x \(arguments.services) services)"
    }

    /// A remote and a local test API server, quiet, with the local service range apart from the remote's.
    static func startServers(
        writeCost: Bool, nodePortRange: ClosedRange<Int>? = nil
    ) async throws -> (remote: TestAPIServer, local: TestAPIServer) {
        var remoteOptions = serverOptions(writeCost: writeCost)
        if let nodePortRange { remoteOptions.store.nodePortRange = nodePortRange }
        var localOptions = serverOptions(writeCost: writeCost)
        localOptions.store.serviceCIDR = "10.112.0.0/16"
        return (try await TestAPIServer.start(options: remoteOptions), try await TestAPIServer.start(options: localOptions))
    }

    /// A quiet test server whose writes cost what kube-apiserver's do (`--write-cost on`, the default) or
    /// nothing (`--write-cost off`).
    static func serverOptions(writeCost: Bool) -> TestAPIServer.Options {
        var quiet = Logger(label: "bench")
        quiet.logLevel = .error
        var options = TestAPIServer.Options()
        options.logger = quiet
        options.store.writeCost = writeCost ? .kubeAPIServer : nil
        return options
    }

    mutating func run() async throws {
        // Two ports per service plus room for the changes: a real cluster's default range is too small for M and L.
        let (remoteServer, localServer) = try await Self.startServers(
            writeCost: arguments.writeCost, nodePortRange: 30000...(30000 + 2 * arguments.services + arguments.changes + 100))
        let transport = HTTPTransport()
        defer { transport.shutdown() }
        let unlimited = KubeClientOptions(qps: 0)
        let seeder = KubeClient(config: Self.config(remoteServer), options: unlimited, transport: transport)
        let remote = KubeClient(
            config: Self.config(remoteServer), options: ScenarioArguments.clientOptions(qps: arguments.qps, burst: arguments.burst),
            transport: transport)
        let local = KubeClient(
            config: Self.config(localServer), options: ScenarioArguments.clientOptions(qps: arguments.qps, burst: arguments.burst),
            transport: transport)

        let seedStart = ContinuousClock.now
        try await seed(seeder)
        results.add("seeding the remote (not barrelman)", ContinuousClock.now - seedStart, target: nil)

        let probe = LocalClusterProbe(state: localServer.state, namespace: namespace)
        let faults = localServer.state.faults
        ProcessStats.resetPeakRSS()
        let baselineRSS = ProcessStats.currentRSS
        let cpuBefore = arguments.childProcess ? 0 : ProcessStats.cpuSeconds
        faults.resetCounts()

        let answeringNodes = try await AnsweringNodes.start()
        let start = ContinuousClock.now
        let syncWindowStart = StageReport.now()
        let barrelman = try startBarrelman(
            remoteServer: remoteServer, localServer: localServer, local: local, remote: remote, nodes: answeringNodes)
        defer { barrelman.stop() }

        // 1. first full sync
        let nodes = arguments.nodes
        let services = arguments.services
        let perService = arguments.nodesPerService > 0 ? min(arguments.nodesPerService, nodes) : nodes
        let synced = await waitUntil(timeout: .seconds(600), interval: .milliseconds(50)) {
            barrelman.exitReport != nil
                || (probe.servicesWithAllEndpoints(nodes: perService) == services && probe.serviceCount == services)
        }
        if let exit = barrelman.exitReport { throw RunError(exit) }
        let syncTime = ContinuousClock.now - start
        let syncWindowEnd = StageReport.now()
        let syncCPU = barrelman.cpuSeconds - cpuBefore
        var peaks = [("first sync", barrelman.peakRSS)]
        // Convergence is the commit of the last write it needed; the 50 ms probe, which scans the whole local
        // state, sees it later (by up to a poll plus a scan: hundreds of ms at L).
        let syncCommitted = [localServer.state.lastCommitted("services"), localServer.state.lastCommitted("endpointslices")]
            .compactMap { $0 }.max().map { $0 - start }
        results.add("first full sync (\(services) services + slices), last write committed", synced ? syncCommitted : nil, target: arguments.name == "S" ? "floor + 10% (--floor)" : arguments.name == "M" || arguments.name == "L" ? (arguments.nodesPerService > 0 ? (arguments.name == "M" ? "<= 40 s" : "<= 120 s") : nil) : nil)
        results.add("  seen by the 50 ms probe", synced ? syncTime : nil, target: nil)
        results.addCPU("CPU during sync (\(barrelman.scope))", syncCPU)
        try await Task.sleep(for: .seconds(1))
        results.addCount("writes during sync (local, +1 s settle)", faults.writeCount(), expected: arguments.name == "S" ? "<= 650 (2 per service + namespaces)" : "2 per service + namespaces")
        for resource in ["namespaces", "services", "endpointslices", "events"] {
            results.addCount("  of which \(resource)", faults.writeCount(resource: resource), expected: "")
        }
        if arguments.probeWindow > 0 {
            try await ProbeWindow.measure(barrelman, seconds: arguments.probeWindow, transport: transport, results: &results)
        }

        // 2. one node's InternalIP changes: every service it serves follows (all of them without subsets)
        faults.resetCounts()
        let oldIP = RealisticNode.internalIP(0)
        let newIP = RealisticNode.internalIP(0, generation: 1)
        let served = probe.servicesReaching(oldIP, stale: "").reaching
        let changeCPUBefore = barrelman.cpuSeconds
        let changeWindowStart = StageReport.now()
        let changeStart = ContinuousClock.now
        try await setNodeIP(seeder, index: 0, ip: newIP)
        let reached = await waitUntil(timeout: .seconds(300), interval: .milliseconds(50)) {
            let (reaching, staleLeft) = probe.servicesReaching(newIP, stale: oldIP)
            return reaching == served && !staleLeft
        }
        let changeSeen = ContinuousClock.now - changeStart
        let changeWindowEnd = StageReport.now()
        let changeCPU = barrelman.cpuSeconds - changeCPUBefore
        let changeCommitted = localServer.state.lastCommitted("endpointslices").map { $0 - changeStart }
        results.add(
            "node IP change reaches the \(served) services it serves, last write committed",
            reached ? changeCommitted : nil,
            target: arguments.name == "S" ? "floor + 10% (--floor)" : arguments.nodesPerService > 0 ? "<= 1 s" : nil)
        results.add("  seen by the 50 ms probe", reached ? changeSeen : nil, target: nil)
        results.addCPU("CPU during the node change (\(barrelman.scope))", changeCPU)
        try await Task.sleep(for: .seconds(1))
        results.addCount(
            "writes for the node change (+1 s settle)", faults.writeCount(),
            expected: "\(served) (one slice update per service it serves)")
        results.addCount("  of which endpointslices", faults.writeCount(resource: "endpointslices"), expected: "\(served)")
        peaks.append(("node change", barrelman.peakRSS))

        // 3. single service changes
        var latencies: [Double] = []
        var freePort = 30000 + 2 * arguments.services + arguments.changes + 100
        for change in 0..<arguments.changes {
            let name = "svc-\((change * 7919) % services)"
            var service = try await seeder.get(Service.self, name: name, namespace: namespace)
            guard let index = service.spec.ports.firstIndex(where: { $0.name == "http" }) else { continue }
            service.spec.ports[index].nodePort = Int32(freePort)
            let expected = Int64(freePort)
            freePort -= 1
            let changeStart = ContinuousClock.now
            _ = try await seeder.update(service)
            let reflected = await waitUntil(timeout: .seconds(30), interval: .microseconds(500)) {
                probe.targetPort(service: name, portName: "http") == expected
            }
            if reflected { latencies.append((ContinuousClock.now - changeStart).milliseconds) }
        }
        results.addMilliseconds("service change latency p50 (\(latencies.count)/\(arguments.changes) seen)", percentile(latencies, 0.5), target: nil)
        results.addMilliseconds("service change latency p99", percentile(latencies, 0.99), target: "<= 100 ms")
        results.addMilliseconds("service change latency max", latencies.max() ?? .nan, target: nil)
        peaks.append(("service changes", barrelman.peakRSS))

        // 3b. with subsets, a zone loses every node: each service must again have N ready nodes, all elsewhere
        if arguments.nodesPerService > 0 {
            let lostZone = RealisticNode.zone(0)
            let lost = (0..<nodes).filter { RealisticNode.zone($0) == lostZone }
            let remaining = nodes - lost.count
            faults.resetCounts()
            let zoneStart = ContinuousClock.now
            try await forEachConcurrently(0..<lost.count) { position in
                let index = lost[position]
                var node = try await seeder.get(RawNode.self, name: RealisticNode.name(index))
                node.body["status"] = RealisticNode.status(
                    index, ip: index == 0 ? newIP : RealisticNode.internalIP(index), ready: false)
                _ = try await seeder.update(node, subresource: "status")
            }
            let applied = ContinuousClock.now - zoneStart
            let recovered = await waitUntil(timeout: .seconds(600), interval: .milliseconds(100)) {
                probe.servicesReadyOutside(zone: lostZone, count: min(perService, remaining)) == services
            }
            let recoverySeen = ContinuousClock.now - zoneStart
            results.add(
                "zone \(lostZone) loses its \(lost.count) nodes: every service has \(min(perService, remaining)) ready nodes elsewhere, last write committed",
                recovered ? localServer.state.lastCommitted("endpointslices").map { $0 - zoneStart } : nil,
                target: arguments.name == "L" ? "<= 30 s" : nil)
            results.add("  seen by the 100 ms probe", recovered ? recoverySeen : nil, target: nil)
            results.addCount("  slice writes until then", faults.writeCount(resource: "endpointslices"), expected: "one per service with a node in the zone")
            results.add("  of which marking the nodes not ready on the remote (the harness)", applied, target: nil)
            peaks.append(("zone loss", barrelman.peakRSS))
        }

        // 4. idle, covering the 60 s resync when --idle >= the time left until it
        try await Task.sleep(for: .seconds(1))
        faults.resetCounts()
        let idleStart = ContinuousClock.now
        let idleCPUStart = barrelman.cpuSeconds
        try await Task.sleep(for: .seconds(arguments.idleSeconds))
        // Idle, barrelman's work is the node prober's (and the resync): compare with -node-health-check off.
        results.addShareOfCore(
            "CPU during \(arguments.idleSeconds) s idle (\(barrelman.scope))", barrelman.cpuSeconds - idleCPUStart,
            over: Double(arguments.idleSeconds), target: arguments.name == "L" ? "prober < 5 % of one core" : nil)
        let resyncCovered = (idleStart - start) + .seconds(arguments.idleSeconds) > .seconds(60)
        results.addCount(
            "writes during \(arguments.idleSeconds) s idle\(resyncCovered ? " (a 60 s resync inside)" : "")", faults.writeCount(),
            expected: "0")
        results.addCount("  of which events (written once the controllers' queues drained)", faults.writeCount(resource: "events"), expected: "")

        if arguments.childProcess {
            results.addBytes(
                "peak RSS of the barrelman process (VmHWM)", barrelman.peakRSS,
                target: arguments.name == "S" ? "<= 25 MB" : arguments.name == "L" ? "<= 150 MB" : nil)
            // VmHWM only grows: read at the end of each step, it shows which step set the peak.
            for (step, peak) in peaks {
                results.addBytes("  VmHWM at the end of: \(step)", peak, target: nil)
            }
            if case .child(let process) = barrelman {
                let pid = process.processIdentifier
                results.addBytes("  of it now: private (RssAnon: heap, stacks)", ChildProcessStats.anonymousRSS(pid: pid), target: nil)
                results.addBytes("  of it now: file-backed code (RssFile, shared)", ChildProcessStats.fileRSS(pid: pid), target: nil)
            }
        } else {
            results.addBytes("peak RSS, whole process (2 test servers + barrelman)", ProcessStats.peakRSS, target: nil)
            results.addBytes("peak RSS minus RSS before barrelman started (servers' growth included)", ProcessStats.peakRSS - baselineRSS, target: nil)
        }
        results.addCPU("CPU seconds from barrelman start to end (\(barrelman.scope))", barrelman.cpuSeconds - cpuBefore)

        barrelman.stop()
        await barrelman.wait()
        await answeringNodes.stop()
        await remoteServer.stop()
        await localServer.stop()

        if arguments.stages {
            StageReport.add(step: "sync", from: syncWindowStart, to: syncWindowEnd, cpuSeconds: syncCPU, to: &results)
            StageReport.add(
                step: "node change", from: changeWindowStart, to: changeWindowEnd, cpuSeconds: changeCPU, to: &results)
        }
        // The independent floor, in the same run: the same writes from a plain Python client on a fresh server.
        if arguments.independentFloor {
            IndependentFloor.writers = IndependentFloor.writersOverride ?? arguments.endpointWorkers
            let floor: IndependentFloor.Figures
            do {
                floor = try await IndependentFloor.measure(
                    services: services, endpointsPerService: perService, updates: served, writeCost: arguments.writeCost)
            } catch {
                // barrelman's figures stand without it (a CI image without python3, say).
                results.addCount("independent floor: not measured: \(error)", 0, expected: "")
                return
            }
            results.add("independent floor (python http.client, \(IndependentFloor.writers) writers): sync", .seconds(floor.sync), target: nil)
            results.add("independent floor: node change (\(served) slice updates)", .seconds(floor.updates), target: nil)
            results.addMilliseconds("independent floor: its CPU per slice update (whole Python process)", floor.updateCPU * 1000, target: nil)
            if let syncCommitted, synced {
                results.addRatio("sync / independent floor", syncCommitted.seconds / floor.sync, target: "<= 1.2")
            }
            if let changeCommitted, reached {
                results.addRatio("node change / independent floor", changeCommitted.seconds / floor.updates, target: "<= 1.2")
            }
        }
    }

    func startBarrelman(
        remoteServer: TestAPIServer, localServer: TestAPIServer, local: KubeClient, remote: KubeClient,
        nodes: AnsweringNodes
    ) throws -> RunningBarrelman {
        if arguments.childProcess {
            func endpoint(_ server: TestAPIServer) -> ClusterEndpoint {
                ClusterEndpoint(url: server.url, caPEM: server.certificateAuthorityPEM, token: server.adminToken)
            }
            return .child(
                try BarrelmanChild.spawn(
                    remote: endpoint(remoteServer), local: endpoint(localServer), namespace: namespace, qps: arguments.qps,
                    burst: arguments.burst, nodes: nodes, extraArguments: arguments.barrelmanArguments,
                    traceStages: arguments.stages))
        }
        var quiet = Logger(label: "barrelman")
        quiet.logLevel = .error
        let settings = ControllerSettings(allowedNamespaces: [namespace], endpointsMode: .endpointSlices, remoteClusterName: "remote")
        let barrelman = Barrelman(
            local: local, remote: remote,
            options: BarrelmanOptions(settings: settings, resyncPeriod: .seconds(60), nodeDialer: try nodes.dialer()),
            logger: quiet)
        return .inProcess(Task { await barrelman.run() })
    }

    static func config(_ server: TestAPIServer) -> ClusterConfig {
        ClusterConfig(
            server: server.url, tls: TLSSettings(caPEM: server.certificateAuthorityPEM),
            credentials: StaticCredentials.token(server.adminToken), proxyURL: nil, defaultNamespace: "default",
            displayName: "bench")
    }

    // MARK: seeding through the client, as kubelets and users would

    func seed(_ client: KubeClient) async throws {
        _ = try await client.create(Namespace(metadata: ObjectMeta(name: namespace)))
        try await forEachConcurrently(0..<arguments.nodes) { index in
            let created = try await client.create(RawNode(body: RealisticNode.body(index)))
            var node = created
            node.body["status"] = RealisticNode.status(index, ip: RealisticNode.internalIP(index), ready: true)
            _ = try await client.update(node, subresource: "status")
        }
        let namespace = namespace
        try await forEachConcurrently(0..<arguments.services) { index in
            _ = try await client.create(Self.service(index, namespace: namespace))
        }
    }

    /// The scenario's remote service number `index`: NodePort, two ports.
    static func service(_ index: Int, namespace: String) -> Service {
        Service(
            metadata: ObjectMeta(name: "svc-\(index)", namespace: namespace, labels: ["app": "svc-\(index)"]),
            spec: ServiceSpec(
                type: .nodePort,
                ports: [
                    ServicePort(name: "http", protocol: "TCP", port: 80, targetPort: .int(8080)),
                    ServicePort(name: "https", protocol: "TCP", port: 443, targetPort: .int(8443)),
                ],
                selector: ["app": "svc-\(index)"]))
    }

    func setNodeIP(_ client: KubeClient, index: Int, ip: String) async throws {
        var node = try await client.get(RawNode.self, name: RealisticNode.name(index))
        node.body["status"] = RealisticNode.status(index, ip: ip, ready: true)
        _ = try await client.update(node, subresource: "status")
    }
}
