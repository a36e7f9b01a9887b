import Foundation
import KubeAPI
import Logging
import TestAPIServer

/// `--soak SECONDS`: barrelman (in a child process) under steady remote churn with faults mixed in; after the
/// churn, the local state must equal the desired state exactly, and the child's RSS and open fds must have
/// stayed flat. Fails with a non-zero exit and the differences otherwise.
struct Soak {
    let arguments: SoakArguments
    let namespace = "bench"

    func run() async throws {
        let (remoteServer, localServer) = try await Scenario.startServers(writeCost: arguments.writeCost)
        let transport = HTTPTransport()
        defer { transport.shutdown() }

        printLine(
            "soak: \(arguments.nodes) nodes x \(arguments.services) services, \(arguments.seconds) s of churn at "
                + "\(arguments.rate)/s, a fault every \(arguments.faultEvery) s, seed \(arguments.seed), "
                + "barrelman qps \(arguments.qps.map { String($0) } ?? "default (APF-aware)") burst \(arguments.burst), "
                + "write cost \(arguments.writeCost ? "on" : "off")")
        var seeding = ScenarioArguments()
        (seeding.nodes, seeding.services) = (arguments.nodes, arguments.services)
        try await Scenario(arguments: seeding).seed(
            KubeClient(config: Scenario.config(remoteServer), options: KubeClientOptions(qps: 0), transport: transport))

        let comparison = MirrorComparison(remote: remoteServer.state, local: localServer.state, namespace: namespace, clusterName: "remote")
        let endpoint = { (server: TestAPIServer) in
            ClusterEndpoint(url: server.url, caPEM: server.certificateAuthorityPEM, token: server.adminToken)
        }
        let nodes = try await AnsweringNodes.start()
        let child = try BarrelmanChild.spawn(
            remote: endpoint(remoteServer), local: endpoint(localServer), namespace: namespace, qps: arguments.qps,
            burst: arguments.burst, nodes: nodes)
        defer { if child.isRunning { child.terminate() } }
        let pid = child.processIdentifier

        let syncStart = ContinuousClock.now
        let synced = await waitUntil(timeout: .seconds(300), interval: .milliseconds(200)) {
            BarrelmanChild.exitReport(child) != nil || comparison.differences().isEmpty
        }
        if let exit = BarrelmanChild.exitReport(child) { throw RunError(exit) }
        guard synced else {
            throw RunError("the first sync did not complete within 300 s:\n  " + comparison.differences().joined(separator: "\n  "))
        }
        printLine(String(format: "first sync: %.2f s; RSS %.1f MiB, %d open fds", (ContinuousClock.now - syncStart).seconds,
            Double(ResourceSeries.currentRSS(pid: pid)) / 1_048_576, ResourceSeries.openFileCount(pid: pid)))

        // Churn, faults and sampling until the deadline.
        let localFaults = localServer.state.faults
        let remoteFaults = remoteServer.state.faults
        localFaults.resetCounts()
        remoteFaults.resetCounts()
        let start = ContinuousClock.now
        let deadline = start + .seconds(arguments.seconds)
        let faults = Task { () -> [String: Int] in
            var injected: [String: Int] = [:]
            var next = 0
            // The longest fault lasts 4 s: none may still be on when the churn stops.
            while ContinuousClock.now + .seconds(arguments.faultEvery + 5) < deadline {
                try? await Task.sleep(for: .seconds(arguments.faultEvery))
                let fault = SoakFault.allCases[next % SoakFault.allCases.count]
                next += 1
                do {
                    try await fault.inject(remote: remoteServer, local: localServer)
                    injected[fault.rawValue, default: 0] += 1
                } catch {
                    injected["failed to inject \(fault.rawValue): \(error)", default: 0] += 1
                }
            }
            return injected
        }
        let sampleEvery = arguments.sampleEvery
        let sampler = Task { () -> (ResourceSeries, [(Double, Int)]) in
            var series = ResourceSeries()
            var writes: [(Double, Int)] = []
            while ContinuousClock.now < deadline {
                let at = (ContinuousClock.now - start).seconds
                series.record(pid: pid, at: at)
                writes.append((at, localFaults.writeCount()))
                try? await Task.sleep(for: .seconds(sampleEvery))
            }
            return (series, writes)
        }

        var churn = RemoteChurn(
            state: remoteServer.state, namespace: namespace, nodes: arguments.nodes, services: arguments.services,
            seed: arguments.seed)
        let interval = Duration.seconds(1 / arguments.rate)
        var tick = 0
        while ContinuousClock.now < deadline {
            guard child.isRunning else {
                throw RunError("barrelman's process exited during the churn (status \(child.terminationStatus))")
            }
            churn.step()
            tick += 1
            // A steady rate: the next change is due at start + tick * interval, however long this one took.
            let due = start + interval * tick
            if due > ContinuousClock.now { try? await Task.sleep(until: due, clock: .continuous) }
        }
        let injected = await faults.value
        let (series, writeSeries) = await sampler.value
        localFaults.clear()
        remoteFaults.clear()
        let churnWrites = localFaults.writeCount()

        printLine("remote changes: \(tick) (\(churn.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))")
        printLine("faults: \(injected.sorted { $0.key < $1.key }.map { "\($0.key) x\($0.value)" }.joined(separator: ", "))")
        printLine(
            "barrelman's requests during the churn: local writes \(churnWrites) ("
                + ["services", "endpointslices", "namespaces", "events"].map { "\($0) \(localFaults.writeCount(resource: $0))" }
                .joined(separator: ", ")
                + "), local requests \(localFaults.requestCount()), remote lists \(remoteFaults.requestCount(verb: "list")), "
                + "remote watch requests (streaming lists included) \(remoteFaults.requestCount(verb: "watch"))")
        printLine("local writes per minute: " + Self.perMinute(writeSeries))

        // Quiescence: converged, and no write for 5 s; then the comparison must be exact.
        let settleStart = ContinuousClock.now
        let converged = await waitUntil(timeout: .seconds(arguments.settleSeconds), interval: .seconds(1)) {
            comparison.differences().isEmpty
        }
        let convergeTime = (ContinuousClock.now - settleStart).seconds
        var lastWrites = localFaults.writeCount()
        var quietSince = ContinuousClock.now
        while ContinuousClock.now - quietSince < .seconds(5) && ContinuousClock.now - settleStart < .seconds(arguments.settleSeconds + 30) {
            try? await Task.sleep(for: .milliseconds(500))
            let writes = localFaults.writeCount()
            if writes != lastWrites { (lastWrites, quietSince) = (writes, ContinuousClock.now) }
        }
        let differences = comparison.differences()
        let quietAfter = String(format: "%.1f", (ContinuousClock.now - settleStart).seconds)
        printLine(
            "after the churn: \(converged ? "converged" : "NOT converged") in \(String(format: "%.1f", convergeTime)) s, "
                + "then quiet (no local write for 5 s) after \(quietAfter) s; \(localFaults.writeCount() - churnWrites) writes after the churn")
        printLine("mirrored services: \(comparison.mirroredServiceCount), remote nodes: \(remoteServer.state.list("nodes").count)")

        printLine("barrelman RSS MiB / open fds over the churn: " + series.thinned())
        let verdict = series.verdict()
        for line in verdict.lines { printLine(line) }
        printLine(String(format: "barrelman CPU: %.1f s; peak RSS (VmHWM) %.1f MiB", ChildProcessStats.cpuSeconds(pid: pid),
            Double(ChildProcessStats.peakRSS(pid: pid)) / 1_048_576))

        child.terminate()
        child.waitUntilExit()
        await remoteServer.stop()
        await localServer.stop()

        var failures = verdict.failures
        if !differences.isEmpty {
            failures.insert("the local state differs from the desired state after quiescence:\n  " + differences.joined(separator: "\n  "), at: 0)
        }
        guard failures.isEmpty else { throw RunError("soak failed (seed \(arguments.seed)): " + failures.joined(separator: "; ")) }
        printLine("soak passed: local state exact, RSS and fds flat")
    }

    /// Writes in each whole minute of the churn (the last, partial minute marked).
    static func perMinute(_ series: [(Double, Int)]) -> String {
        guard let last = series.last else { return "(none)" }
        var result: [String] = []
        var minute = 0
        var previous = 0
        while Double(minute) * 60 < last.0 {
            let end = series.last { $0.0 <= Double(minute + 1) * 60 } ?? last
            result.append("\(end.1 - previous)\(end.0 < Double(minute + 1) * 60 - 1 && end.0 == last.0 ? " (partial)" : "")")
            previous = end.1
            minute += 1
        }
        return result.joined(separator: ", ")
    }
}
