import BenchmarkFixtures
import CLinuxSupport
import Controllers
import Foundation
import KubeAPI
import Logging
import Synchronization
import TestAPIServer

/// `--memory` (with `--scenario` and `--nodes-per-service`): where barrelman's heap goes at a scenario's size.
/// The remote is filled directly (no HTTP), barrelman runs in-process until the local cluster holds every
/// mirror and slice, then each of barrelman's caches is filled alone, as barrelman builds it, and the heap
/// it holds (glibc's mallinfo2, after malloc_trim) is reported with the highest heap seen while it synced
/// (sampled every 2 ms; that figure includes the test server answering the streaming list).
struct MemoryBreakdown {
    let arguments: ScenarioArguments
    let namespace = "bench"
    var results = ResultTable()

    init(arguments: ScenarioArguments) {
        self.arguments = arguments
        results.scenario = "memory \(arguments.name) (\(arguments.nodes) nodes x \(arguments.services) services)"
    }

    mutating func run() async throws {
        let (remoteServer, localServer) = try await Scenario.startServers(
            writeCost: false, nodePortRange: 30000...(30000 + 2 * arguments.services + 100))
        let transport = HTTPTransport()
        defer { transport.shutdown() }
        var quiet = Logger(label: "bench")
        quiet.logLevel = .error
        let remote = KubeClient(config: Scenario.config(remoteServer), options: KubeClientOptions(qps: 0), transport: transport)
        let local = KubeClient(config: Scenario.config(localServer), options: KubeClientOptions(qps: 0), transport: transport)
        try seed(remoteServer.state)
        try await mirror(remote: remote, local: local, localServer: localServer, logger: quiet)

        let options = InformerOptions()
        let selected = { (selector: String) in InformerOptions(labelSelector: selector) }
        // Each cache as `Barrelman` builds it: projection, transforms.
        try await measure("remote services: Informer<Service>, projected", count: arguments.services) {
            Informer<Service>(client: remote, options: options, transform: remoteServiceProjection, logger: quiet)
        }
        try await measure("remote nodes: Informer<NodeSummary>", count: arguments.nodes) {
            Informer<NodeSummary>(client: remote, options: options, logger: quiet)
        }
        // Servers without streaming lists answer pages: each page's body and JSON tree are held while it decodes.
        for pageSize in [500, 100] {
            try await measure("remote nodes: Informer<NodeSummary>, paginated list of \(pageSize) per page", count: arguments.nodes) {
                Informer<NodeSummary>(client: remote, options: InformerOptions(pageSize: pageSize, watchList: .never), logger: quiet)
            }
        }
        try await measure("local services: Informer<Service>, metadata interned", count: arguments.services) {
            let shared = LocalObjectInterner()
            return Informer<Service>(
                client: local, options: selected(BarrelmanLabels.localServiceSelector), transform: { shared.intern($0) },
                logger: quiet)
        }
        try await measure("local slices: Informer<EndpointSlice>, endpoints and metadata interned", count: arguments.services) {
            let shared = LocalObjectInterner()
            let interner = EndpointInterner()
            return Informer<EndpointSlice>(
                client: local, options: selected(BarrelmanLabels.endpointSliceSelector),
                transform: { shared.intern(interner.intern($0)) }, logger: quiet)
        }
        await remoteServer.stop()
        await localServer.stop()
    }

    /// Nodes and NodePort services as the scenario seeds them, written into the remote's store directly.
    func seed(_ state: APIServerState) throws {
        try state.create(try JSON.parse(JSONDocument.encode(Namespace(metadata: ObjectMeta(name: namespace)).toJSON())))
        for index in 0..<arguments.nodes {
            let full = try JSON.parse(JSONDocument.encode(RealisticNode.json(index)))
            var created = try state.create(full)
            created["status"] = full["status"]
            try state.updateStatus(created)
        }
        for index in 0..<arguments.services {
            try state.create(try JSON.parse(JSONDocument.encode(Scenario.service(index, namespace: namespace).toJSON())))
        }
    }

    /// barrelman, in-process, until every service is mirrored with its endpoints; then it stops.
    func mirror(remote: KubeClient, local: KubeClient, localServer: TestAPIServer, logger: Logger) async throws {
        var settings = ControllerSettings(
            allowedNamespaces: [namespace], endpointsMode: .endpointSlices, remoteClusterName: "remote",
            remoteClusterID: "remote")
        settings.nodesPerService = arguments.nodesPerService
        let nodes = try await AnsweringNodes.start()
        let barrelman = Barrelman(
            local: local, remote: remote,
            options: BarrelmanOptions(settings: settings, resyncPeriod: nil, nodeDialer: try nodes.dialer()), logger: logger)
        let running = Task { await barrelman.run() }
        let probe = LocalClusterProbe(state: localServer.state, namespace: namespace)
        let perService = arguments.nodesPerService > 0 ? min(arguments.nodesPerService, arguments.nodes) : arguments.nodes
        let services = arguments.services
        let synced = await waitUntil(timeout: .seconds(900), interval: .milliseconds(500)) {
            probe.serviceCount == services && probe.servicesWithAllEndpoints(nodes: perService) == services
        }
        running.cancel()
        await running.value
        await nodes.stop()
        guard synced else { throw RunError("barrelman did not mirror the \(services) services within 900 s") }
    }

    /// Heap held by one synced cache (and the highest heap above the start while it synced).
    mutating func measure<T: KubeResource>(
        _ name: String, count: Int, _ make: () -> Informer<T>
    ) async throws {
        bm_malloc_trim()
        let before = Int(bm_heap_in_use())
        let sampler = HeapSampler()
        sampler.start()
        let informer = make()
        let running = Task { await informer.run() }
        _ = await informer.waitUntilSynced()
        let peak = sampler.stop()
        try await Task.sleep(for: .milliseconds(300))
        bm_malloc_trim()
        let held = Int(bm_heap_in_use()) - before
        let cached = informer.keys.count
        running.cancel()
        await running.value
        guard cached == count else { throw RunError("\(name) holds \(cached) of \(count) objects after syncing") }
        results.addBytes("\(name): heap held", held, target: nil)
        results.addCount("  bytes per object", held / max(count, 1), expected: "")
        results.addBytes("  highest heap above the start while syncing (test server included)", peak - before, target: nil)
    }
}

/// Heap in use, sampled on a thread of its own until stopped; reports the highest sample.
final class HeapSampler: Sendable {
    private let state = Mutex((running: true, peak: 0))

    func start() {
        Thread.detachNewThread { [self] in
            while true {
                let heap = Int(bm_heap_in_use())
                let running = state.withLock { state in
                    state.peak = max(state.peak, heap)
                    return state.running
                }
                guard running else { return }
                usleep(2000)
            }
        }
    }

    func stop() -> Int {
        state.withLock { state in
            state.running = false
            return max(state.peak, Int(bm_heap_in_use()))
        }
    }
}
