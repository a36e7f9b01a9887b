import BenchmarkFixtures
import Foundation
import KubeAPI
import TestAPIServer

/// The independent floor (issue #21): `Benchmarks/floor/plain-client-floor.py`, Python's `http.client` with one
/// kept-alive HTTPS connection per writer, writes what barrelman writes to a fresh test server. It shares no
/// code with barrelman's transport or client, so a cost in those shows up against it (the `KubeClient` floor,
/// `PlainClientFloor`, pays the same costs as barrelman and cannot show them).
struct IndependentFloor {
    /// The figures of one run of the script, in seconds.
    struct Figures {
        var sequentialMean: Double
        var services: Double
        var slices: Double
        var updates: Double
        /// The script's CPU per update (its whole process: JSON, TLS, threads).
        var updateCPU: Double
        var sync: Double { services + slices }
    }

    /// `--floor-writers N`; without it the floor writes with as many writers as barrelman has endpoint workers
    /// (`-nec-workers`, 4 by default), so the ratio compares the cost per write at the same concurrency, as
    /// issue #21 did (its plain client: 4 writers 1.62-2.14 s for 300 slice updates, 8: 1.37-1.48 s).
    nonisolated(unsafe) static var writersOverride: Int?
    nonisolated(unsafe) static var writers = 4
    /// The script, found from this file's place in the source tree (the runner is run from a checkout).
    static let scriptPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("floor/plain-client-floor.py").path

    /// Writes `services` mirrored services and their slices (`endpointsPerService` endpoints, chunked as
    /// barrelman chunks them), then updates the first slice of `updates` services, on a fresh server.
    static func measure(
        services: Int, endpointsPerService: Int, updates: Int, writeCost: Bool
    ) async throws -> Figures {
        var options = Scenario.serverOptions(writeCost: writeCost)
        options.store.serviceCIDR = "10.112.0.0/16"
        let server = try await TestAPIServer.start(options: options)
        defer { Task { await server.stop() } }
        let namespace = "bench"
        let transport = HTTPTransport()
        defer { transport.shutdown() }
        // Setup only, not timed: the namespace the script writes into.
        let client = KubeClient(config: Scenario.config(server), options: KubeClientOptions(qps: 0), transport: transport)
        _ = try await client.create(Namespace(metadata: ObjectMeta(name: namespace)))

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("barrelman-floor-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func write(_ name: String, _ lines: [[UInt8]]) throws {
            var bytes: [UInt8] = []
            for line in lines { bytes += line + [UInt8(ascii: "\n")] }
            try Data(bytes).write(to: directory.appendingPathComponent(name))
        }
        try write(
            "services-sequential.jsonl",
            (0..<50).map { JSONDocument.encode(PlainClientFloor.service($0, name: "sequential-\($0)", namespace: namespace)) })
        try write(
            "services.jsonl",
            (0..<services).map { JSONDocument.encode(PlainClientFloor.service($0, name: "svc-\($0)", namespace: namespace)) })
        let chunks = PlainClientFloor.chunks(nodes: endpointsPerService)
        // Chunk 0 of every service first: those are the slices the updates step rewrites.
        var slices: [[UInt8]] = []
        for chunk in 0..<chunks {
            for service in 0..<services {
                slices.append(JSONDocument.encode(PlainClientFloor.slice(
                    service: service, uid: "", chunk: chunk, nodes: endpointsPerService, namespace: namespace)))
            }
        }
        try write("slices.jsonl", slices)
        try Data(server.certificateAuthorityPEM).write(to: directory.appendingPathComponent("ca.pem"))
        try Data(server.adminToken.utf8).write(to: directory.appendingPathComponent("token"))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", scriptPath, "--server", server.url, "--ca", directory.appendingPathComponent("ca.pem").path,
            "--token-file", directory.appendingPathComponent("token").path, "--bodies", directory.path,
            "--namespace", namespace, "--writers", String(writers), "--updates", String(updates),
            "--new-ip", RealisticNode.internalIP(0, generation: 1),
        ]
        // Into a file, and the exit polled: a blocking read or `waitUntilExit` would hold one of the cooperative
        // threads the in-process test server answers on.
        let outputPath = directory.appendingPathComponent("figures").path
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: outputPath)
        try process.run()
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = Double(parts[1]) { values[String(parts[0])] = value }
        }
        guard process.terminationStatus == 0, let sequential = values["sequential_mean"], let servicesTime = values["services"],
            let slicesTime = values["slices"], let updatesTime = values["updates"]
        else {
            throw RunError("the independent floor (\(scriptPath)) failed with status \(process.terminationStatus): \(text)")
        }
        return Figures(
            sequentialMean: sequential, services: servicesTime, slices: slicesTime, updates: updatesTime,
            updateCPU: values["updates_cpu_per_write"] ?? .nan)
    }
}
