import Controllers
import Foundation
import KubeAPI
import Logging
import Synchronization
import TestAPIServer
import TestSupport
import Testing

/// barrelman's controllers end to end under injected faults: outages, reset histories, slow or refusing
/// API servers, cut watches, hand edits, leader changes, churn, and restricted credentials. Each test
/// checks the outcome: the local cluster ends exactly where the remote says it should, nothing is
/// deleted while the remote is away, and retries stay bounded. In-process servers only.
///
/// The scenarios run as three serialized suites: parallel enough to stay short, yet light enough that
/// timing-sensitive suites elsewhere (leader election) keep their margins on a 2-core machine.
enum FaultTests {
    // MARK: running barrelman

    /// Runs barrelman with explicit clients and settings (for restricted credentials or captured logs).
    static func withBarrelman<T>(
        local: KubeClient, remote: KubeClient, settings: ControllerSettings, resync: Duration = .seconds(60),
        logger: Logger = Logger(label: "barrelman"), nodes: TestNodeNetwork? = nil,
        reach: ReachSettings = FaultTests.patientProbes,
        _ body: () async throws -> T
    ) async throws -> T {
        // Without a network of the test's own, every node answers its probes.
        let network = if let nodes { nodes } else { try await TestNodeNetwork.start() }
        let barrelman = Barrelman(
            local: local, remote: remote,
            options: BarrelmanOptions(settings: settings, resyncPeriod: resync, reach: reach, nodeDialer: network),
            logger: logger)
        let running = Task { await barrelman.run() }
        do {
            let result = try await body()
            running.cancel()
            await running.value
            if nodes == nil { await network.stop() }
            return result
        } catch {
            running.cancel()
            await running.value
            if nodes == nil { await network.stop() }
            throw error
        }
    }

    /// Probing for tests that are not about it: the nodes answer on loopback, but a starved test process (the
    /// whole suite runs at once) must not miss two 1 s probes in a row and take a node out mid-test.
    static let patientProbes = ReachSettings(timeout: .seconds(5), failureThreshold: 3)

    static func settings(_ clusters: TwoClusters) -> ControllerSettings {
        ControllerSettings(allowedNamespaces: [clusters.namespace], remoteClusterName: "remote")
    }

    // MARK: desired and observed state

    /// One line per mirrored service: its ports, and its endpoints' ready/not-ready addresses and ports.
    typealias Mirror = [String: String]

    /// What the local cluster must hold, computed from the remote's services and nodes.
    static func desired(_ clusters: TwoClusters) async throws -> Mirror {
        let addresses = try await EndToEndTests.expectedAddresses(clusters)
        let services = try await clusters.remote.listAll(Service.self, namespace: clusters.namespace).items
        var mirror: Mirror = [:]
        for service in services
        where service.spec.type == .nodePort && service.metadata.annotations["tfw.io/barrelman"] != "ignore" {
            let ports = service.spec.ports.sorted { ($0.name ?? "") < ($1.name ?? "") }
            let portText = ports.map { "\($0.name ?? ""):\($0.port)->\($0.nodePort ?? 0)" }.joined(separator: ",")
            let endpointPorts = Set(ports.compactMap(\.nodePort)).sorted().map(String.init).joined(separator: ",")
            mirror[service.metadata.name] =
                "ports=\(portText) ready=\(addresses.ready) notReady=\(addresses.notReady) endpointPorts=\(endpointPorts)"
        }
        return mirror
    }

    /// What the local cluster holds: barrelman's services and their slices (two lists, so polling stays cheap).
    static func observed(_ clusters: TwoClusters) async throws -> Mirror {
        let services = try await clusters.local.listAll(
            Service.self, namespace: clusters.namespace,
            options: ListOptions(labelSelector: "tfw.io/barrelman=managed-resource")
        ).items
        let slices = Dictionary(
            grouping: try await clusters.local.listAll(EndpointSlice.self, namespace: clusters.namespace).items,
            by: { $0.metadata.labels["kubernetes.io/service-name"] ?? "" })
        var mirror: Mirror = [:]
        for service in services {
            let ports = service.spec.ports.sorted { ($0.name ?? "") < ($1.name ?? "") }
            let portText = ports.map { port -> String in
                let target: String
                switch port.targetPort {
                case .int(let value): target = String(value)
                case .string(let name): target = name
                case nil: target = "0"
                }
                return "\(port.name ?? ""):\(port.port)->\(target)"
            }.joined(separator: ",")
            let serviceSlices = slices[service.metadata.name] ?? []
            let endpoints = serviceSlices.flatMap(\.endpoints)
            let ready = endpoints.filter { $0.conditions.ready == true }.flatMap(\.addresses).sorted()
            let notReady = endpoints.filter { $0.conditions.ready != true }.flatMap(\.addresses).sorted()
            let endpointPorts = Set(serviceSlices.flatMap(\.ports).compactMap(\.port)).sorted().map(String.init)
                .joined(separator: ",")
            mirror[service.metadata.name] =
                "ports=\(portText) ready=\(ready) notReady=\(notReady) endpointPorts=\(endpointPorts)"
        }
        return mirror
    }

    /// Waits until the local cluster matches the remote exactly; records the difference if it never does.
    static func expectConverged(
        _ clusters: TwoClusters, timeout: Duration = .seconds(30), sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let held = try await eventually(timeout: timeout, interval: .milliseconds(200)) {
            guard let desired = try? await desired(clusters), let observed = try? await observed(clusters) else { return false }
            return desired == observed
        }
        if !held {
            let desired = try await desired(clusters)
            let observed = try await observed(clusters)
            #expect(observed == desired, "local state never matched the remote", sourceLocation: sourceLocation)
        }
    }

    /// `expectEventually` polling gently: these checks list the local cluster, and other suites share the CPU.
    static func expectSoon(
        _ comment: Comment? = nil, timeout: Duration = .seconds(20), sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: () async throws -> Bool
    ) async throws {
        let held = try await eventually(timeout: timeout, interval: .milliseconds(200), condition)
        #expect(held, comment, sourceLocation: sourceLocation)
    }

    static func servers(_ clusters: TwoClusters) throws -> (remote: TestAPIServer, local: TestAPIServer) {
        (try #require(clusters.remoteServer), try #require(clusters.localServer))
    }

    /// Changes the remote service's first port (its node port stays, so its endpoints do too).
    static func setServicePort(_ clusters: TwoClusters, _ name: String, port: Int32) async throws {
        var service = try await clusters.remote.get(Service.self, name: name, namespace: clusters.namespace)
        service.spec.ports[0].port = port
        _ = try await clusters.remote.update(service)
    }

    /// Cuts every watch on `servers` every `period` until cancelled.
    static func watchCutter(_ servers: [TestAPIServer], every period: Duration) -> Task<Void, Never> {
        Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: period)
                for server in servers { server.state.abortAllWatches() }
            }
        }
    }

    /// A remote outage, then a soak of churn and faults.
    @Suite(.serialized, .timeLimit(.minutes(3))) struct Outages {
        // MARK: 1. remote outage

        @Test func remoteDownForAMinuteDeletesNothingAndConvergesWithinSecondsOfItsReturn() async throws {
            try await TwoClusters.with(inProcessOnly: true) { clusters in
                let (remoteServer, localServer) = try FaultTests.servers(clusters)
                for name in ["a", "b"] { try await clusters.createRemoteService(name) }
                try await EndToEndTests.withBarrelman(clusters) {
                    try await FaultTests.expectConverged(clusters)
                    let before = try await FaultTests.observed(clusters)
                    localServer.state.faults.resetCounts()

                    // A minute, as an apiserver upgrade or a control-plane repair takes; checked as it goes.
                    await remoteServer.stop()
                    for _ in 0..<6 {
                        try await Task.sleep(for: .seconds(10))
                        #expect(localServer.state.faults.writeCount() == 0, "nothing written while the remote is away")
                        #expect(try await FaultTests.observed(clusters) == before, "nothing deleted or emptied while the remote is away")
                    }

                    try await remoteServer.resume()
                    try await clusters.setNode("node-b", ip: "10.0.0.22", ready: true)
                    try await FaultTests.setServicePort(clusters, "a", port: 81)
                    // Within seconds of its return: informers retry at most 5 s apart, whatever the outage's length.
                    try await FaultTests.expectConverged(clusters, timeout: .seconds(15))
                    #expect(localServer.state.faults.requestCount(verb: "delete", resource: "services") == 0)
                }
            }
        }

        // MARK: 7. churn soak

        /// Established (or half-closed) TCP connections to or from `ports`: what a connection leak leaves behind.
        static func connectionCount(ports: Set<Int>) -> Int {
            var count = 0
            for file in ["/proc/self/net/tcp", "/proc/self/net/tcp6"] {
                guard let table = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
                for line in table.split(separator: "\n").dropFirst() {
                    let fields = line.split(separator: " ")
                    guard fields.count > 3 else { continue }
                    let state = fields[3]
                    guard state != "0A", state != "06" else { continue }  // listening, TIME_WAIT
                    let endpointPorts = [fields[1], fields[2]].compactMap { $0.split(separator: ":").last.flatMap { Int($0, radix: 16) } }
                    if endpointPorts.contains(where: ports.contains) { count += 1 }
                }
            }
            return count
        }

        static func openFileCount() -> Int {
            (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
        }

        static func port(of server: TestAPIServer) -> Int? {
            server.url.split(separator: ":").last.flatMap { Int($0) }
        }

        @Test func churnSoakWithFaultsEndsExactAndLeaksNoConnections() async throws {
            try await TwoClusters.with(inProcessOnly: true) { clusters in
                let (remoteServer, localServer) = try FaultTests.servers(clusters)
                let ports = Set([Self.port(of: remoteServer), Self.port(of: localServer)].compactMap { $0 })
                for index in 0..<10 { try await clusters.createRemoteService("s\(index)") }
                try await EndToEndTests.withBarrelman(clusters, resync: .seconds(2)) {
                    try await FaultTests.expectConverged(clusters)
                    try await Task.sleep(for: .milliseconds(500))
                    let connectionsBefore = Self.connectionCount(ports: ports)
                    let filesBefore = Self.openFileCount()

                    let cutter = FaultTests.watchCutter([remoteServer, localServer], every: .milliseconds(700))
                    var generator = SystemRandomNumberGenerator()
                    let soakEnd = ContinuousClock.now + .seconds(10)
                    var step = 0
                    while ContinuousClock.now < soakEnd {
                        step += 1
                        let name = "s\(Int.random(in: 0..<15, using: &generator))"
                        switch step % 5 {
                        case 0:
                            let node = ["node-a", "node-b", "node-c"][step % 3]
                            try await clusters.setNode(node, ip: "10.0.\(step % 7).\(step % 3 + 1)", ready: step % 4 != 0)
                        case 1:
                            _ = try? await clusters.createRemoteService(name)
                        case 2:
                            try? await clusters.remote.delete(Service.self, name: name, namespace: clusters.namespace)
                        default:
                            try? await FaultTests.setServicePort(clusters, name, port: Int32(80 + step % 5))
                        }
                        if step % 10 == 0 {
                            localServer.state.faults.failNext(
                                2, with: .tooManyRequests(retryAfterSeconds: 1), verb: ["create", "update"][step % 2])
                            localServer.state.faults.failNext(1, with: .serviceUnavailable, resource: "endpointslices")
                        }
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    cutter.cancel()
                    await cutter.value
                    try await FaultTests.expectConverged(clusters, timeout: .seconds(30))

                    // Connections of cut watches must be closed, not piled up. Other suites share the process,
                    // so only connections to these two servers are counted exactly; the fd table only loosely.
                    let settled = try await eventually(timeout: .seconds(10), interval: .milliseconds(200)) {
                        Self.connectionCount(ports: ports) <= connectionsBefore + 16
                    }
                    #expect(settled, "connections before: \(connectionsBefore), after: \(Self.connectionCount(ports: ports))")
                    let filesAfter = Self.openFileCount()
                    #expect(filesAfter <= filesBefore + 256, "open files before: \(filesBefore), after: \(filesAfter)")
                }
            }
        }
    }

    /// Leader failover, hand edits, and cut watches.
    @Suite(.serialized, .timeLimit(.minutes(2))) struct Churn {
        // MARK: 6. two replicas with leader election

        /// Which replicas run barrelman, and whether two ever did at once.
        final class LeadTracker: Sendable {
            private let state = Mutex<(active: Set<String>, overlapped: Bool, leaders: [String])>(([], false, []))

            func run(_ identity: String, _ body: () async -> Void) async {
                state.withLock {
                    $0.active.insert(identity)
                    if $0.active.count > 1 { $0.overlapped = true }
                    $0.leaders.append(identity)
                }
                await body()
                _ = state.withLock { $0.active.remove(identity) }
            }

            var overlapped: Bool { state.withLock { $0.overlapped } }
            var active: Set<String> { state.withLock { $0.active } }
        }

        @Test func onlyTheLeaderRunsAndTheFollowerTakesOverWhenItDiesDuringARemoteOutage() async throws {
            try await TwoClusters.with(inProcessOnly: true) { clusters in
                let (remoteServer, localServer) = try FaultTests.servers(clusters)
                try await clusters.createRemoteService("a")
                let tracker = LeadTracker()
                let leaseName = "barrelman-\(clusters.namespace)"
                func replica(_ identity: String) -> (LeaderElector, Task<Void, Never>) {
                    let elector = LeaderElector(
                        client: clusters.local,
                        config: LeaderElectionConfig(
                            leaseNamespace: "default", leaseName: leaseName, identity: identity,
                            // The lease outlives the renew deadline by 2 s: room for a starved scheduler.
                            leaseDuration: .seconds(3), renewDeadline: .seconds(1), retryPeriod: .milliseconds(200),
                            releaseOnCancel: false))
                    let task = Task {
                        await elector.run {
                            await tracker.run(identity) {
                                let barrelman = Barrelman(
                                    local: clusters.local, remote: clusters.remote,
                                    options: BarrelmanOptions(
                                        settings: FaultTests.settings(clusters), resyncPeriod: .seconds(60),
                                        reach: ReachSettings(mode: .off)))
                                await barrelman.run()
                            }
                        }
                    }
                    return (elector, task)
                }
                let replicas = [replica("one"), replica("two")]
                defer { for (_, task) in replicas { task.cancel() } }

                try await FaultTests.expectConverged(clusters)
                let leader = try #require(replicas.first { $0.0.isLeader })
                let follower = try #require(replicas.first { !$0.0.isLeader })
                #expect(tracker.active == [leader.0.config.identity])

                // The remote goes away, then the leader dies without releasing its lease.
                let before = try await FaultTests.observed(clusters)
                await remoteServer.stop()
                localServer.state.faults.resetCounts()
                let killed = ContinuousClock.now
                leader.1.cancel()
                await leader.1.value
                let tookOver = try await eventually(timeout: .seconds(20)) { follower.0.isLeader }
                #expect(tookOver, "the follower never took the lease")
                // Within the lease duration (3 s), plus one retry period with jitter and slack for a loaded machine.
                #expect(killed.duration(to: .now) <= .seconds(6), "took over \(killed.duration(to: .now)) after the kill")
                // The new leader runs while the remote is still away: it must not take that for deletions.
                try await Task.sleep(for: .seconds(3))
                for resource in ["services", "endpointslices", "endpoints"] {
                    #expect(localServer.state.faults.writeCount(resource: resource) == 0, "\(resource) written during the outage")
                }
                #expect(try await FaultTests.observed(clusters) == before, "nothing deleted or emptied during the outage")

                try await remoteServer.resume()
                try await FaultTests.setServicePort(clusters, "a", port: 85)
                try await clusters.createRemoteService("b")
                try await FaultTests.expectConverged(clusters, timeout: .seconds(20))
                #expect(follower.0.isLeader)
                #expect(tracker.active == [follower.0.config.identity])
                #expect(!tracker.overlapped, "two replicas never run barrelman at the same time")
                follower.1.cancel()
                await follower.1.value
            }
        }

        // MARK: 5. hand edits

        @Test func handEditsToMirrorsAreUndoneAndForeignServicesAreNeverTouched() async throws {
            try await TwoClusters.with(inProcessOnly: true) { clusters in
                for name in ["a", "b"] { try await clusters.createRemoteService(name) }
                try await clusters.createRemoteService("foreign")
                _ = try await clusters.local.create(Namespace(metadata: ObjectMeta(name: clusters.namespace)))
                let foreign = try await clusters.local.create(
                    Service(
                        metadata: ObjectMeta(name: "foreign", namespace: clusters.namespace),
                        spec: ServiceSpec(ports: [ServicePort(name: "web", port: 8080)])))
                try await EndToEndTests.withBarrelman(clusters) {
                    let desired = try await FaultTests.desired(clusters).filter { $0.key != "foreign" }
                    func mirrored() async throws -> Bool { try await FaultTests.observed(clusters) == desired }
                    try await FaultTests.expectSoon { try await mirrored() }

                    // Someone deletes a's slices.
                    for slice in try await EndToEndTests.localSlices(clusters, "a") {
                        try await clusters.local.delete(EndpointSlice.self, name: slice.metadata.name, namespace: clusters.namespace)
                    }
                    try await FaultTests.expectSoon("deleted slices are restored") { try await mirrored() }

                    // Someone edits b's slice addresses.
                    var slice = try #require(try await EndToEndTests.localSlices(clusters, "b").first)
                    for index in slice.endpoints.indices { slice.endpoints[index].addresses = ["192.0.2.1"] }
                    _ = try await clusters.local.update(slice)
                    try await FaultTests.expectSoon("edited addresses are restored") { try await mirrored() }

                    // Someone deletes mirror a.
                    try await clusters.local.delete(Service.self, name: "a", namespace: clusters.namespace)
                    try await FaultTests.expectSoon("a deleted mirror is recreated") { try await mirrored() }

                    // Churn on the remote "foreign" never reaches the local service of that name.
                    try await FaultTests.setServicePort(clusters, "foreign", port: 99)
                    try await clusters.setNode("node-a", ip: "10.0.0.31", ready: true)
                    let changed = try await FaultTests.desired(clusters).filter { $0.key != "foreign" }
                    try await FaultTests.expectSoon { try await FaultTests.observed(clusters) == changed }
                    let after = try await clusters.local.get(Service.self, name: "foreign", namespace: clusters.namespace)
                    #expect(after.metadata.resourceVersion == foreign.metadata.resourceVersion, "never modified")
                    #expect(try await EndToEndTests.localSlices(clusters, "foreign").isEmpty)
                }
            }
        }

        // MARK: 4. watches cut under churn

        @Test func watchesCutWhileTheRemoteChurnsStillEndExactlyAtTheDesiredState() async throws {
            try await TwoClusters.with(inProcessOnly: true) { clusters in
                let (remoteServer, localServer) = try FaultTests.servers(clusters)
                try await EndToEndTests.withBarrelman(clusters) {
                    let cutter = FaultTests.watchCutter([remoteServer, localServer], every: .milliseconds(300))
                    for index in 0..<30 { try await clusters.createRemoteService("s\(index)") }
                    try await clusters.setNode("node-a", ip: "10.0.1.1", ready: true)
                    for index in stride(from: 0, to: 30, by: 3) { try await FaultTests.setServicePort(clusters, "s\(index)", port: 90) }
                    try await clusters.setNode("node-c", ip: "10.0.1.3", ready: true)
                    for index in stride(from: 1, to: 30, by: 3) {
                        try await clusters.remote.delete(Service.self, name: "s\(index)", namespace: clusters.namespace)
                    }
                    try await clusters.setNode("node-b", ip: "10.0.1.2", ready: false)
                    try await Task.sleep(for: .seconds(1))
                    cutter.cancel()
                    await cutter.value
                    try await FaultTests.expectConverged(clusters, timeout: .seconds(30))
                }
            }
        }

        /// Watches that ran for a while and then broke (a proxy's idle timeout, a flaky link) resume at once, as
        /// client-go's do: repeated cuts must not pile up backoff until the mirror lags by the 30 s cap.
        @Test func repeatedWatchCutsDoNotStallTheMirror() async throws {
            try await TwoClusters.with(inProcessOnly: true) { clusters in
                let (remoteServer, _) = try FaultTests.servers(clusters)
                try await clusters.createRemoteService("a")
                try await EndToEndTests.withBarrelman(clusters) {
                    try await FaultTests.expectConverged(clusters)
                    for cut in 1...6 {
                        // Both remote watches (services, nodes) are back: generous for a loaded machine, yet
                        // shorter than the delays a backoff growing with every cut reaches by the fifth.
                        let resumed = try await eventually(timeout: .seconds(5)) { remoteServer.state.openWatchCount >= 2 }
                        #expect(resumed, "watches resumed soon after cut \(cut - 1)")
                        // Each watch lives past the short-watch threshold, then breaks.
                        try await Task.sleep(for: .milliseconds(1100))
                        remoteServer.state.abortAllWatches()
                    }
                    try await FaultTests.setServicePort(clusters, "a", port: 86)
                    try await FaultTests.expectConverged(clusters, timeout: .seconds(10))
                }
            }
        }
    }

    /// History resets, refusing local servers, and security bounds.
    @Suite(.serialized, .timeLimit(.minutes(2))) struct Edits {
        // MARK: 2. remote history reset

        @Test func remoteHistoryResetRelistsAndWritesOnlyWhatChanged() async throws {
            try await TwoClusters.with(inProcessOnly: true) { clusters in
                let (remoteServer, localServer) = try FaultTests.servers(clusters)
                for name in ["a", "b", "c"] { try await clusters.createRemoteService(name) }
                try await EndToEndTests.withBarrelman(clusters) {
                    try await FaultTests.expectConverged(clusters)
                    try await Task.sleep(for: .milliseconds(300))
                    localServer.state.faults.resetCounts()

                    remoteServer.state.resetHistory()
                    try await FaultTests.setServicePort(clusters, "b", port: 82)
                    remoteServer.state.abortAllWatches()
                    try await FaultTests.expectConverged(clusters)
                    try await Task.sleep(for: .milliseconds(500))

                    let faults = localServer.state.faults
                    #expect(faults.requestCount(verb: "update", resource: "services") == 1, "only b's ports changed")
                    #expect(faults.requestCount(verb: "create", resource: "services") == 0)
                    #expect(faults.requestCount(verb: "delete", resource: "services") == 0)
                    #expect(faults.writeCount(resource: "endpointslices") == 0, "node ports, hence endpoints, are unchanged")
                }
            }
        }

        // MARK: 3. slow or refusing local API server

        @Test func slowLocalServerStillConverges() async throws {
            try await TwoClusters.with(inProcessOnly: true) { clusters in
                let (_, localServer) = try FaultTests.servers(clusters)
                // 2 s for every request, watches and lists included: writes wait, nothing is sent twice.
                localServer.state.faults.setLatency(.seconds(2))
                for name in ["a", "b"] { try await clusters.createRemoteService(name) }
                try await EndToEndTests.withBarrelman(clusters) {
                    try await FaultTests.expectConverged(clusters, timeout: .seconds(90))
                    #expect(localServer.state.faults.requestCount(verb: "create", resource: "services") == 2)
                    #expect(localServer.state.faults.requestCount(verb: "create", resource: "endpointslices") == 2)
                }
            }
        }

        @Test func localServerDownHoldsWritesWithBackoffAndLosesNothing() async throws {
            try await TwoClusters.with(inProcessOnly: true) { clusters in
                let (_, localServer) = try FaultTests.servers(clusters)
                try await clusters.createRemoteService("a")
                try await EndToEndTests.withBarrelman(clusters) {
                    try await FaultTests.expectConverged(clusters)
                    // Every local request answered 503 for 10 s while the remote changes.
                    localServer.state.faults.setDown(true)
                    localServer.state.faults.resetCounts()
                    try await FaultTests.setServicePort(clusters, "a", port: 82)
                    try await clusters.createRemoteService("b")
                    try await clusters.setNode("node-b", ip: "10.0.0.32", ready: true)
                    try await Task.sleep(for: .seconds(10))
                    let attempts = localServer.state.faults.requestCount()
                    // Per-key exponential backoff: a few dozen attempts in 10 s, not a tight loop of thousands.
                    #expect(attempts < 200, "\(attempts) requests in 10 s against a server answering 503")

                    localServer.state.faults.setDown(false)
                    try await FaultTests.expectConverged(clusters, timeout: .seconds(30))
                    #expect(localServer.state.faults.requestCount(verb: "delete", resource: "services") == 0)
                }
            }
        }

        @Test func throttledAndFailingWritesAreRetriedWithBackoffAndNothingIsLost() async throws {
            try await TwoClusters.with(inProcessOnly: true) { clusters in
                let (_, localServer) = try FaultTests.servers(clusters)
                let faults = localServer.state.faults
                faults.failNext(3, with: .tooManyRequests(retryAfterSeconds: 1), verb: "create", resource: "services")
                faults.failNext(4, with: .serviceUnavailable, verb: "create", resource: "endpointslices")
                faults.failNext(2, with: .internalError, verb: "create", resource: "namespaces")
                try await clusters.createRemoteService("a")
                try await EndToEndTests.withBarrelman(clusters) {
                    try await FaultTests.expectConverged(clusters, timeout: .seconds(30))
                    try await Task.sleep(for: .milliseconds(500))
                    #expect(faults.requestCount(verb: "create", resource: "services") < 10, "no tight loop")
                    #expect(faults.requestCount(verb: "create", resource: "endpointslices") < 10, "no tight loop")
                    #expect(faults.requestCount(verb: "create", resource: "namespaces") < 10, "no tight loop")

                    // 503s on updates too: the next change still lands exactly.
                    faults.failNext(3, with: .serviceUnavailable, verb: "update", resource: "services")
                    try await FaultTests.setServicePort(clusters, "a", port: 8443)
                    try await FaultTests.expectConverged(clusters, timeout: .seconds(30))
                    #expect(faults.requestCount(verb: "update", resource: "services") < 10, "no tight loop")
                }
            }
        }

        // MARK: 8. security

        @Test func noTokenPasswordOrPrivateKeyEverAppearsInLogsOrErrors() async throws {
            try await TwoClusters.with(inProcessOnly: true) { clusters in
                let (remoteServer, localServer) = try FaultTests.servers(clusters)
                let capture = LogCapture()
                let transport = HTTPTransport(logger: capture.logger("transport"))
                defer { transport.shutdown() }

                let remoteToken = "remote-SECRET-token-7f3a9c1e5b"
                remoteServer.state.authenticator.addUser(token: remoteToken, name: "remote-reader")
                let password = "local-SECRET-password-4d2b8e"
                let certificate = try localServer.issueClientCertificate(commonName: "barrelman")
                let keyLines = String(decoding: certificate.privateKeyPEM, as: UTF8.self)
                    .split(separator: "\n").filter { !$0.hasPrefix("-----") && $0.count >= 16 }.map(String.init)
                let secrets = [remoteToken, password, remoteServer.adminToken, localServer.adminToken] + keyLines

                let remote = KubeClient(
                    config: remoteServer.config(token: remoteToken), transport: transport, logger: capture.logger("remote"))
                let local = KubeClient(
                    config: localServer.config(
                        credentials: StaticCredentials.clientCertificate(
                            certificatePEM: certificate.certificatePEM, keyPEM: certificate.privateKeyPEM)),
                    transport: transport, logger: capture.logger("local"))

                // Errors on every path that carries a credential: a wrong token, a wrong password.
                var errors: [String] = []
                let wrongToken = KubeClient(
                    config: localServer.config(token: remoteToken), transport: transport, logger: capture.logger("wrong-token"))
                do { _ = try await wrongToken.list(Service.self) } catch { errors.append("\(error)"); errors.append(String(reflecting: error)) }
                let wrongPassword = KubeClient(
                    config: localServer.config(credentials: StaticCredentials.basic(username: "someone", password: password)),
                    transport: transport, logger: capture.logger("wrong-password"))
                do { _ = try await wrongPassword.list(Service.self) } catch { errors.append("\(error)"); errors.append(String(reflecting: error)) }
                #expect(errors.count == 4, "both wrong credentials are refused")

                try await clusters.createRemoteService("a")
                localServer.state.faults.failNext(1, with: .tooManyRequests(retryAfterSeconds: 1), verb: "create")
                try await FaultTests.withBarrelman(
                    local: local, remote: remote, settings: FaultTests.settings(clusters), logger: capture.logger("barrelman")
                ) {
                    try await FaultTests.expectConverged(clusters)
                    remoteServer.state.abortAllWatches()
                    try await FaultTests.setServicePort(clusters, "a", port: 8080)
                    try await FaultTests.expectConverged(clusters)
                }

                let lines = capture.all
                #expect(lines.count > 20, "trace logging produced lines to check")
                for secret in secrets {
                    let leaks = (lines + errors).filter { $0.contains(secret) }
                    #expect(leaks.isEmpty, "a secret appears in \(leaks.count) log lines or errors, e.g. \(leaks.first?.prefix(200) ?? "")")
                }
            }
        }

        @Test func namespaceAllowlistBoundsWhatTheRemoteCanCreateLocally() async throws {
            try await TwoClusters.with(inProcessOnly: true) { clusters in
                let other = TestCluster.uniqueName("bm-other")
                _ = try await clusters.remote.create(Namespace(metadata: ObjectMeta(name: other)))
                _ = try await clusters.remote.create(
                    Service(
                        metadata: ObjectMeta(name: "outside", namespace: other),
                        spec: ServiceSpec(type: .nodePort, ports: [ServicePort(name: "http", port: 80)], selector: ["app": "x"])))
                try await clusters.createRemoteService("inside")
                try await EndToEndTests.withBarrelman(clusters) {
                    try await FaultTests.expectConverged(clusters)
                    try await Task.sleep(for: .milliseconds(500))
                    let namespaces = try await clusters.local.listAll(Namespace.self).items.map(\.metadata.name)
                    #expect(!namespaces.contains(other), "no namespace outside the allowlist is created")
                    #expect(try await clusters.local.listAll(Service.self, namespace: other).items.isEmpty)
                }
            }
        }

        /// deploy/base/clusterrole.yaml as test-server access rules.
        static func clusterRoleRules(withoutCreateOnEndpointSlices: Bool = false) -> AccessRules {
            .rules([
                AccessRule(verbs: ["list", "watch", "create", "update", "delete"], resources: ["services"], groups: [""]),
                AccessRule(verbs: ["list", "watch", "create", "update", "delete"], resources: ["endpoints"], groups: [""]),
                AccessRule(
                    verbs: withoutCreateOnEndpointSlices ? ["list", "watch", "update", "delete"] : ["list", "watch", "create", "update", "delete"],
                    resources: ["endpointslices"], groups: ["discovery.k8s.io"]),
                AccessRule(verbs: ["get", "create"], resources: ["namespaces"], groups: [""]),
                AccessRule(verbs: ["create"], resources: ["events"], groups: [""]),
            ])
        }

        @Test func theDeployedClusterRoleIsEnough() async throws {
            try await TwoClusters.with(inProcessOnly: true) { clusters in
                let (_, localServer) = try FaultTests.servers(clusters)
                let transport = HTTPTransport()
                defer { transport.shutdown() }
                let token = localServer.addUser(name: "barrelman", rules: Self.clusterRoleRules())
                let local = KubeClient(config: localServer.config(token: token), transport: transport)
                let capture = LogCapture()
                try await clusters.createRemoteService("a")
                try await FaultTests.withBarrelman(
                    local: local, remote: clusters.remote, settings: FaultTests.settings(clusters), logger: capture.logger("barrelman")
                ) {
                    try await FaultTests.expectConverged(clusters)
                    try await FaultTests.setServicePort(clusters, "a", port: 81)
                    try await clusters.remote.delete(Service.self, name: "a", namespace: clusters.namespace)
                    try await clusters.createRemoteService("b")
                    try await FaultTests.expectConverged(clusters)
                    try await FaultTests.expectSoon {
                        try await clusters.local.list(Event.self, namespace: clusters.namespace).items.contains { $0.reason == "PortsChanged" }
                    }
                }
                let forbidden = capture.all.filter { $0.lowercased().contains("forbidden") }
                #expect(forbidden.isEmpty, "nothing was forbidden: \(forbidden.first ?? "")")
            }
        }

        @Test func aMissingPermissionIsLoggedClearlyAndRetriedWithBackoff() async throws {
            try await TwoClusters.with(inProcessOnly: true) { clusters in
                let (_, localServer) = try FaultTests.servers(clusters)
                let transport = HTTPTransport()
                defer { transport.shutdown() }
                let token = localServer.addUser(name: "barrelman", rules: Self.clusterRoleRules(withoutCreateOnEndpointSlices: true))
                let local = KubeClient(config: localServer.config(token: token), transport: transport)
                let capture = LogCapture()
                try await clusters.createRemoteService("a")
                try await FaultTests.withBarrelman(
                    local: local, remote: clusters.remote, settings: FaultTests.settings(clusters), logger: capture.logger("barrelman")
                ) {
                    try await FaultTests.expectSoon { await EndToEndTests.localService(clusters, "a") != nil }
                    try await FaultTests.expectSoon("the refusal is logged, naming verb and resource") {
                        capture.all.contains {
                            $0.contains("forbidden: needs create on endpointslices.discovery.k8s.io in namespace \(clusters.namespace)")
                        }
                    }
                    try await Task.sleep(for: .seconds(3))
                    let attempts = localServer.state.faults.requestCount(verb: "create", resource: "endpointslices")
                    #expect(attempts >= 1 && attempts < 25, "backoff, not a tight loop: \(attempts) attempts")
                    #expect(try await EndToEndTests.localSlices(clusters, "a").isEmpty)
                }
            }
        }
    }

}
