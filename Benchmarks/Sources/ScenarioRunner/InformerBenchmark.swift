import BenchmarkFixtures
import CLinuxSupport
import Glibc
import KubeAPI
import Logging
import TestAPIServer

/// `--informer`: heap held by an informer's cache of 1000 realistic nodes, as `NodeSummary` and as `Node`,
/// and the rate at which watch events pass through an informer.
struct InformerBenchmark {
    let nodes: Int
    let events: Int
    var results = ResultTable()

    init(nodes: Int = 1000, events: Int = 10_000) {
        self.nodes = nodes
        self.events = events
        results.scenario = "informer (\(nodes) nodes)"
    }

    mutating func run() async throws {
        var quiet = Logger(label: "bench")
        quiet.logLevel = .error
        var options = TestAPIServer.Options()
        options.logger = quiet
        options.store.historyLimit = events + nodes + 100
        let server = try await TestAPIServer.start(options: options)
        let transport = HTTPTransport()
        defer { transport.shutdown() }
        let client = KubeClient(config: Scenario.config(server), options: KubeClientOptions(qps: 0), transport: transport)
        for index in 0..<nodes {
            let full = try JSON.parse(JSONDocument.encode(RealisticNode.json(index)))
            var created = try server.state.create(full)
            created["status"] = full["status"]
            try server.state.updateStatus(created)
        }

        let summaryBytes = try await heapHeld(by: Informer<NodeSummary>.self, client: client, logger: quiet)
        let nodeBytes = try await heapHeld(by: Informer<Node>.self, client: client, logger: quiet)
        results.addBytes("heap held by Informer<NodeSummary> per \(nodes) nodes", summaryBytes, target: nil)
        results.addBytes("heap held by Informer<Node> per \(nodes) nodes", nodeBytes, target: nil)

        // Events per second: the server changes nodes as fast as it can; the informer decodes and stores them.
        let informer = Informer<NodeSummary>(client: client, options: InformerOptions(), logger: quiet)
        let running = Task { await informer.run() }
        defer { running.cancel() }
        _ = await informer.waitUntilSynced()
        let before = informer.stats.events
        let start = ContinuousClock.now
        let total = events
        let state = server.state
        let nodes = nodes
        let writer = Task {
            for event in 0..<total {
                guard var node = state.get("nodes", name: RealisticNode.name(event % nodes)) else { continue }
                node["metadata"]?["annotations"]?["bench/counter"] = .string(String(event))
                _ = try? state.update(node)
            }
        }
        let done = await waitUntil(timeout: .seconds(300), interval: .milliseconds(5)) {
            informer.stats.events - before >= total
        }
        await writer.value
        let elapsed = ContinuousClock.now - start
        let seen = informer.stats.events - before
        results.addCount("watch events through Informer<NodeSummary>", seen, expected: "\(total)\(done ? "" : " (timed out)")")
        results.addRate("events through the informer (server writes + HTTP + decode + store)", Double(seen) / elapsed.seconds)
        running.cancel()
        await running.value
        await server.stop()
    }

    /// Heap in use (mallinfo2) with a synced informer minus the heap before it started.
    func heapHeld<T: KubeResource>(by type: Informer<T>.Type, client: KubeClient, logger: Logger) async throws -> Int {
        bm_malloc_trim()
        let before = Int(bm_heap_in_use())
        let informer = Informer<T>(client: client, options: InformerOptions(), logger: logger)
        let running = Task { await informer.run() }
        _ = await informer.waitUntilSynced()
        try await Task.sleep(for: .milliseconds(200))
        bm_malloc_trim()
        let after = Int(bm_heap_in_use())
        let held = informer.list().count
        running.cancel()
        await running.value
        guard held == nodes else { throw RunError("the informer holds \(held) of \(nodes) nodes after syncing") }
        return after - before
    }
}
