import KubeAPI
import Synchronization
import TestAPIServer
import TestSupport
import Testing

/// The informer against the in-process API server: initial sync by list+watch and by streaming list, event
/// order, dropped, closed and expired watches, outages, restarts, bookmarks, resync, selectors and a burst of
/// concurrent writes. After every fault the cache must equal the server's state exactly.
@Suite struct InformerTests {
    // MARK: harness

    /// Handler events in the order they were delivered.
    final class EventLog: Sendable {
        private let events = Mutex<[InformerEvent<Service>]>([])

        func record(_ event: InformerEvent<Service>) { events.withLock { $0.append(event) } }
        var all: [InformerEvent<Service>] { events.withLock { $0 } }

        /// Compact descriptions such as "added a@12", "updated a@12->13", "deleted a@13", "deleted? a@13".
        var descriptions: [String] { all.map(InformerTests.describe) }
    }

    static func describe(_ event: InformerEvent<Service>) -> String {
        func tag(_ service: Service) -> String { "\(service.metadata.name)@\(service.metadata.resourceVersion ?? "")" }
        switch event {
        case .added(let service): return "added \(tag(service))"
        case .updated(let old, let new): return "updated \(tag(old))->\(new.metadata.resourceVersion ?? "")"
        case .deleted(let service, let unknown): return "\(unknown ? "deleted?" : "deleted") \(tag(service))"
        }
    }

    struct Harness {
        let cluster: TestCluster
        let server: TestAPIServer
        let informer: Informer<Service>
        let log: EventLog
        var client: KubeClient { cluster.client }
        var namespace: String { cluster.namespace }
    }

    enum SetupError: Error { case noInProcessServer }

    static func fastStore() -> StoreConfiguration {
        var store = StoreConfiguration()
        store.bookmarkInterval = .milliseconds(50)
        return store
    }

    /// Runs an informer for services in the test's namespace while `body` runs, then cancels it.
    static func withInformer(
        store: StoreConfiguration = fastStore(), watchList: WatchListMode = .never,
        configure: (inout InformerOptions) -> Void = { _ in },
        transform: Informer<Service>.Transform? = nil,
        seed: (TestCluster) async throws -> Void = { _ in },
        waitForSync: Bool = true,
        _ body: (Harness) async throws -> Void
    ) async throws {
        var serverOptions = TestAPIServer.Options()
        serverOptions.store = store
        try await TestCluster.with(
            realClusterVariable: nil, serverOptions: serverOptions, clientOptions: KubeClientOptions(qps: 0)
        ) { cluster in
            guard let server = cluster.server else { throw SetupError.noInProcessServer }
            try await seed(cluster)
            var options = InformerOptions(
                namespace: cluster.namespace, watchList: watchList, backoffBase: .milliseconds(10),
                backoffCap: .milliseconds(200))
            configure(&options)
            let informer = Informer<Service>(client: cluster.client, options: options, transform: transform)
            let log = EventLog()
            informer.addHandler { log.record($0) }
            let running = Task { await informer.run() }
            defer { running.cancel() }
            if waitForSync {
                let synced = await informer.waitUntilSynced()
                try #require(synced)
            }
            try await body(Harness(cluster: cluster, server: server, informer: informer, log: log))
            running.cancel()
            await running.value
        }
    }

    static func service(_ name: String, namespace: String, labels: [String: String] = [:]) -> Service {
        Service(
            metadata: ObjectMeta(name: name, namespace: namespace, labels: labels),
            spec: ServiceSpec(ports: [ServicePort(name: "http", port: 80, targetPort: .int(8080))]))
    }

    static func serviceJSON(_ name: String, namespace: String, labels: [String: String] = [:]) -> JSON {
        var metadata: JSON = ["name": .string(name), "namespace": .string(namespace)]
        if !labels.isEmpty { metadata["labels"] = .object(labels.mapValues { .string($0) }) }
        return [
            "apiVersion": "v1", "kind": "Service", "metadata": metadata,
            "spec": ["ports": [["name": "http", "port": 80, "targetPort": 8080]]],
        ]
    }

    /// name -> resourceVersion of the informer's cache.
    static func cacheVersions(_ informer: Informer<Service>) -> [String: String] {
        Dictionary(uniqueKeysWithValues: informer.list().map { ($0.metadata.name, $0.metadata.resourceVersion ?? "") })
    }

    /// name -> resourceVersion as stored by the server (read directly: no request is counted).
    static func serverVersions(_ harness: Harness, labelSelector: ((JSON) -> Bool)? = nil) -> [String: String] {
        var versions: [String: String] = [:]
        for object in harness.server.state.list("services", namespace: harness.namespace)
        where labelSelector?(object) ?? true {
            versions[object["metadata"]?["name"]?.stringValue ?? ""] =
                object["metadata"]?["resourceVersion"]?.stringValue ?? ""
        }
        return versions
    }

    /// Waits until the cache equals the server's state, then checks it once more against a list through the client.
    static func expectConverged(_ harness: Harness, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let converged = try await eventually { cacheVersions(harness.informer) == serverVersions(harness) }
        #expect(converged, "cache \(cacheVersions(harness.informer)) != server \(serverVersions(harness))",
            sourceLocation: sourceLocation)
        let listed = try await harness.client.list(Service.self, namespace: harness.namespace)
        let listedVersions = Dictionary(
            uniqueKeysWithValues: listed.items.map { ($0.metadata.name, $0.metadata.resourceVersion ?? "") })
        #expect(cacheVersions(harness.informer) == listedVersions, sourceLocation: sourceLocation)
        #expect(harness.informer.keys == listed.items.map { ObjectKey(of: $0) }.sorted(), sourceLocation: sourceLocation)
    }

    /// Replays the handler events onto an empty map; duplicates (an add for a known key, a change for an
    /// unknown one) are reported. The result must equal the cache.
    static func replay(_ events: [InformerEvent<Service>], sourceLocation: SourceLocation = #_sourceLocation)
        -> [String: String]
    {
        var state: [String: String] = [:]
        for event in events {
            let name = event.object.metadata.name
            switch event {
            case .added(let service):
                #expect(state[name] == nil, "duplicate add of \(name)", sourceLocation: sourceLocation)
                state[name] = service.metadata.resourceVersion ?? ""
            case .updated(let old, let new):
                #expect(state[name] == old.metadata.resourceVersion, "update of \(name) from an unknown state",
                    sourceLocation: sourceLocation)
                state[name] = new.metadata.resourceVersion ?? ""
            case .deleted:
                #expect(state[name] != nil, "delete of unknown \(name)", sourceLocation: sourceLocation)
                state[name] = nil
            }
        }
        return state
    }

    // MARK: initial sync

    @Test func initialSyncByListAndWatch() async throws {
        try await Self.withInformer(waitForSync: false) { harness in
            // Objects created before the informer synced (it may or may not have listed yet) are all there after.
            for name in ["a", "b", "c"] {
                _ = try await harness.client.create(Self.service(name, namespace: harness.namespace))
            }
            #expect(await harness.informer.waitUntilSynced())
            #expect(harness.informer.hasSynced)
            try await Self.expectConverged(harness)
            let stats = harness.informer.stats
            #expect(stats.lists == 1)
            #expect(stats.watchListSyncs == 0)
            #expect(stats.relists == 0)
            #expect(Self.replay(harness.log.all) == Self.cacheVersions(harness.informer))
            #expect(harness.informer.get(ObjectKey(namespace: harness.namespace, name: "b"))?.metadata.name == "b")
            #expect(harness.informer.get(ObjectKey(namespace: harness.namespace, name: "zzz")) == nil)
        }
    }

    @Test func initialSyncByStreamingListSendsNoListRequest() async throws {
        try await Self.withInformer(watchList: .always, waitForSync: false) { harness in
            #expect(await harness.informer.waitUntilSynced())
            for name in ["a", "b"] {
                _ = try await harness.client.create(Self.service(name, namespace: harness.namespace))
            }
            try await Self.expectConverged(harness)
            #expect(harness.informer.stats.watchListSyncs == 1)
            #expect(harness.informer.stats.lists == 0)
            // expectConverged listed once through the client; the informer itself never did.
            #expect(harness.server.state.faults.requestCount(verb: "list", resource: "services") == 1)
        }
    }

    @Test func streamingListFillsTheCacheWithExistingObjects() async throws {
        var serverOptions = TestAPIServer.Options()
        serverOptions.store = Self.fastStore()
        try await TestCluster.with(realClusterVariable: nil, serverOptions: serverOptions) { cluster in
            guard let server = cluster.server else { throw SetupError.noInProcessServer }
            for name in ["x", "y", "z"] {
                try server.state.create(Self.serviceJSON(name, namespace: cluster.namespace))
            }
            let informer = Informer<Service>(
                client: cluster.client, options: InformerOptions(namespace: cluster.namespace, watchList: .auto))
            let log = EventLog()
            informer.addHandler { log.record($0) }
            let running = Task { await informer.run() }
            #expect(await informer.waitUntilSynced())
            #expect(informer.keys.map(\.name) == ["x", "y", "z"])
            #expect(log.descriptions.map { $0.prefix(7) } == ["added x", "added y", "added z"])
            #expect(server.state.faults.requestCount(verb: "list", resource: "services") == 0)
            #expect(informer.stats.watchListSyncs == 1)
            running.cancel()
            await running.value
        }
    }

    // MARK: objects the model cannot read

    /// A service whose selector holds a number: valid JSON, metadata intact, but not what `Service` reads.
    static func unreadableServiceJSON(_ name: String, namespace: String) -> JSON {
        var service = serviceJSON(name, namespace: namespace)
        service[path: ["spec", "selector"]] = ["app": 5]
        return service
    }

    @Test func anUnreadableObjectIsSkippedKeepsItsLastReadableStateAndEverythingElseFlows() async throws {
        try await Self.withInformer { harness in
            let namespace = harness.namespace
            let state = harness.server.state
            try state.create(Self.serviceJSON("good", namespace: namespace))
            try state.create(Self.serviceJSON("changes", namespace: namespace))
            #expect(try await eventually { harness.informer.keys.count == 2 })
            let readable = try #require(harness.informer.get(ObjectKey(namespace: namespace, name: "changes")))

            // A change that cannot be read keeps the last readable state; a never-readable object is left
            // out; and the watch goes on past both (it used to end at the bad event and meet it again).
            var changed = try #require(state.get("services", namespace: namespace, name: "changes"))
            changed[path: ["spec", "selector"]] = ["app": 5]
            try state.update(changed)
            try state.create(Self.unreadableServiceJSON("never-readable", namespace: namespace))
            try state.create(Self.serviceJSON("after", namespace: namespace))
            #expect(try await eventually { harness.informer.keys.map(\.name) == ["after", "changes", "good"] })
            #expect(harness.informer.get(ObjectKey(namespace: namespace, name: "changes")) == readable)
            #expect(harness.informer.stats.unreadableObjects == 2)

            // A relist keeps it as well: the list has it, unreadable, so it was not deleted.
            state.faults.expireNextWatches(1)
            state.abortAllWatches()
            #expect(try await eventually { harness.informer.stats.relists == 1 })
            #expect(harness.informer.keys.map(\.name) == ["after", "changes", "good"])
            #expect(harness.informer.get(ObjectKey(namespace: namespace, name: "changes")) == readable)

            // Its deletion needs only its name.
            try state.delete("services", namespace: namespace, name: "changes")
            #expect(try await eventually { harness.informer.keys.map(\.name) == ["after", "good"] })
        }
    }

    @Test func fallsBackToListAndWatchWhenTheServerRejectsStreamingLists() async throws {
        var store = Self.fastStore()
        store.watchListSupported = false
        try await Self.withInformer(store: store, watchList: .auto) { harness in
            _ = try await harness.client.create(Self.service("a", namespace: harness.namespace))
            try await Self.expectConverged(harness)
            #expect(harness.informer.stats.lists == 1)
            #expect(harness.informer.stats.watchListSyncs == 0)
            // After the fallback the informer does not try streaming lists again, not even after a relist.
            harness.server.state.faults.expireNextWatches(1)
            harness.server.state.abortAllWatches()
            #expect(try await eventually { harness.informer.stats.lists == 2 })
            try await Self.expectConverged(harness)
            #expect(harness.informer.stats.watchListSyncs == 0)
        }
    }

    @Test func alwaysModeKeepsRetryingARejectedStreamingList() async throws {
        var store = Self.fastStore()
        store.watchListSupported = false
        try await Self.withInformer(store: store, watchList: .always, waitForSync: false) { harness in
            let retried = try await eventually { harness.informer.stats.errors >= 3 }
            #expect(retried)
            #expect(!harness.informer.hasSynced)
            #expect(harness.server.state.faults.requestCount(verb: "list", resource: "services") == 0)
        }
    }

    @Test func waitUntilSyncedReturnsFalseWhenCancelled() async throws {
        try await Self.withInformer(waitForSync: false) { harness in
            let waiter = Informer<Service>(
                client: harness.client, options: InformerOptions(namespace: harness.namespace))
            let waiting = Task { await waiter.waitUntilSynced() }
            waiting.cancel()
            #expect(await waiting.value == false)
        }
    }

    // MARK: events

    @Test(arguments: [WatchListMode.never, .always])
    func addUpdateDeleteReachHandlersInOrder(mode: WatchListMode) async throws {
        try await Self.withInformer(watchList: mode) { harness in
            let created = try await harness.client.create(Self.service("a", namespace: harness.namespace))
            var changed = created
            changed.metadata.labels["step"] = "2"
            let updated = try await harness.client.update(changed)
            try await harness.client.delete(Service.self, name: "a", namespace: harness.namespace)
            #expect(try await eventually { harness.log.all.count == 3 })
            let v1 = created.metadata.resourceVersion ?? "", v2 = updated.metadata.resourceVersion ?? ""
            #expect(harness.log.descriptions.prefix(2) == ["added a@\(v1)", "updated a@\(v1)->\(v2)"])
            // The DELETED event carries the object as deleted, at the delete's own version.
            guard case .deleted(let deleted, let unknown) = harness.log.all[2] else {
                Issue.record("third event is \(harness.log.descriptions[2]), expected a delete")
                return
            }
            #expect(!unknown)
            #expect(deleted.metadata.name == "a")
            #expect(Int(deleted.metadata.resourceVersion ?? "") ?? 0 > Int(v2) ?? 0)
            if case .updated(_, let new) = harness.log.all[1] { #expect(new.metadata.labels["step"] == "2") }
            #expect(harness.informer.keys.isEmpty)
        }
    }

    // MARK: faults

    @Test(arguments: [WatchListMode.never, .always])
    func droppedWatchResumesFromLastVersionWithoutRelist(mode: WatchListMode) async throws {
        try await Self.withInformer(watchList: mode) { harness in
            _ = try await harness.client.create(Self.service("a", namespace: harness.namespace))
            try await Self.expectConverged(harness)
            for round in 0..<3 {
                harness.server.state.abortAllWatches()
                // Written while the informer is (probably) between watches: the resumed watch must deliver it.
                try harness.server.state.create(Self.serviceJSON("cut-\(round)", namespace: harness.namespace))
                try await Self.expectConverged(harness)
            }
            let stats = harness.informer.stats
            #expect(stats.relists == 0)
            #expect(stats.lists + stats.watchListSyncs == 1)
            #expect(stats.watchRestarts >= 3)
            #expect(Self.replay(harness.log.all) == Self.cacheVersions(harness.informer))
            #expect(harness.log.all.count == 4, "one added per object, none repeated: \(harness.log.descriptions)")
        }
    }

    @Test func cleanCloseRewatchesWithoutRelist() async throws {
        try await Self.withInformer { harness in
            let before = harness.informer.stats.watchesStarted
            harness.server.state.closeAllWatches()
            #expect(try await eventually { harness.informer.stats.watchesStarted > before })
            _ = try await harness.client.create(Self.service("after-close", namespace: harness.namespace))
            try await Self.expectConverged(harness)
            #expect(harness.informer.stats.lists == 1)
            #expect(harness.informer.stats.relists == 0)
            #expect(harness.server.state.faults.requestCount(verb: "list", resource: "services") == 2)  // informer + check
        }
    }

    @Test(arguments: [WatchListMode.never, .always])
    func expiredVersionOnResumeRelistsToAnExactCache(mode: WatchListMode) async throws {
        try await Self.withInformer(watchList: mode) { harness in
            _ = try await harness.client.create(Self.service("a", namespace: harness.namespace))
            try await Self.expectConverged(harness)
            harness.server.state.faults.expireNextWatches(1)
            harness.server.state.abortAllWatches()
            #expect(try await eventually { harness.informer.stats.relists == 1 })
            try await Self.expectConverged(harness)
            // Compaction: a resume from an old version is answered with 410 inside the stream.
            await harness.server.stop()
            try harness.server.state.create(Self.serviceJSON("b", namespace: harness.namespace))
            harness.server.state.compact()
            try await harness.server.resume()
            #expect(try await eventually { harness.informer.stats.relists == 2 })
            try await Self.expectConverged(harness)
            #expect(Self.replay(harness.log.all) == Self.cacheVersions(harness.informer))
        }
    }

    @Test(arguments: [WatchListMode.never, .always])
    func deletesWhileDisconnectedArriveAsFinalStateUnknown(mode: WatchListMode) async throws {
        try await Self.withInformer(watchList: mode) { harness in
            for name in ["keep", "gone", "changed"] {
                _ = try await harness.client.create(Self.service(name, namespace: harness.namespace))
            }
            try await Self.expectConverged(harness)
            let lastKnown = try #require(harness.informer.get(ObjectKey(namespace: harness.namespace, name: "gone")))
            let eventsBefore = harness.log.all.count

            await harness.server.stop()
            try harness.server.state.delete("services", namespace: harness.namespace, name: "gone")
            var changed = try #require(harness.server.state.get("services", namespace: harness.namespace, name: "changed"))
            changed["metadata"]?["labels"] = ["step": "2"]
            try harness.server.state.update(changed)
            harness.server.state.compact()
            // The outage alone must not look like deletions.
            #expect(harness.informer.keys.count == 3)
            try await harness.server.resume()

            try await Self.expectConverged(harness)
            let after = Array(harness.log.all.dropFirst(eventsBefore))
            let deletes = after.compactMap { event -> (Service, Bool)? in
                if case .deleted(let service, let unknown) = event { return (service, unknown) } else { return nil }
            }
            #expect(deletes.count == 1)
            #expect(deletes.first?.0.metadata.name == "gone")
            #expect(deletes.first?.0.metadata.resourceVersion == lastKnown.metadata.resourceVersion)
            #expect(deletes.first?.1 == true)
            #expect(after.contains { if case .updated(_, let new) = $0 { new.metadata.name == "changed" } else { false } })
            #expect(!after.contains { if case .added = $0 { true } else { false } }, "unchanged objects are not re-added")
            #expect(harness.informer.stats.relists == 1)
        }
    }

    @Test func serverRestartResumesTheWatch() async throws {
        try await Self.withInformer { harness in
            _ = try await harness.client.create(Self.service("a", namespace: harness.namespace))
            try await Self.expectConverged(harness)
            try await harness.server.restart(after: .milliseconds(300))
            _ = try await harness.client.create(Self.service("b", namespace: harness.namespace))
            try await Self.expectConverged(harness)
            #expect(harness.informer.stats.relists == 0)
            #expect(harness.informer.stats.watchRestarts >= 1)
            #expect(Self.replay(harness.log.all) == Self.cacheVersions(harness.informer))
        }
    }

    @Test func bookmarksAdvanceTheVersionOfAQuietWatch() async throws {
        try await Self.withInformer { harness in
            let synced = harness.informer.lastSyncResourceVersion
            // A write elsewhere moves the server's version; this informer's watch sees it only in bookmarks.
            _ = try await harness.client.create(Self.service("elsewhere", namespace: "default"))
            let target = String(harness.server.state.resourceVersion)
            #expect(synced != target)
            #expect(try await eventually { harness.informer.lastSyncResourceVersion == target })
            #expect(harness.informer.stats.bookmarks > 0)
            #expect(harness.log.all.isEmpty)
        }
    }

    /// client-go's `SetTransform`: the cache and the handlers see only transformed objects, whether they came
    /// from list pages, a streaming list or the watch, and the watch still resumes from the versions as read.
    @Test(arguments: [WatchListMode.never, .always])
    func aTransformAppliesToEveryObjectRead(mode: WatchListMode) async throws {
        let dropLabels: Informer<Service>.Transform = { service in
            var projected = service
            projected.metadata.labels = [:]
            projected.spec.ports = []
            return projected
        }
        func objects(_ event: InformerEvent<Service>) -> [Service] {
            switch event {
            case .added(let service), .deleted(let service, _): [service]
            case .updated(let old, let new): [old, new]
            }
        }
        try await Self.withInformer(
            watchList: mode, configure: { $0.pageSize = 2 }, transform: dropLabels,
            seed: { cluster in
                for index in 0..<5 {
                    _ = try await cluster.client.create(Self.service("s\(index)", namespace: cluster.namespace, labels: ["a": "b"]))
                }
            }
        ) { harness in
            #expect(harness.informer.list().count == 5)
            var changed = try await harness.client.get(Service.self, name: "s0", namespace: harness.namespace)
            changed.metadata.labels["c"] = "d"
            let updated = try await harness.client.update(changed)
            let seen = try await eventually {
                harness.informer.get(ObjectKey(of: updated))?.metadata.resourceVersion == updated.metadata.resourceVersion
            }
            #expect(seen)
            // Bookmarks may move it on; never back to before the update.
            let resumeFrom = Int(harness.informer.lastSyncResourceVersion ?? "") ?? 0
            #expect(resumeFrom >= Int(updated.metadata.resourceVersion ?? "") ?? .max)
            #expect(harness.informer.list().allSatisfy { $0.metadata.labels.isEmpty && $0.spec.ports.isEmpty })
            #expect(harness.log.all.flatMap(objects).allSatisfy { $0.metadata.labels.isEmpty && $0.spec.ports.isEmpty })
        }
    }

    @Test func resyncDeliversUpdatesWithoutRequests() async throws {
        try await Self.withInformer(configure: { $0.resyncPeriod = .milliseconds(100) }) { harness in
            for name in ["a", "b"] {
                _ = try await harness.client.create(Self.service(name, namespace: harness.namespace))
            }
            try await Self.expectConverged(harness)
            harness.server.state.faults.resetCounts()
            let before = harness.log.all.count
            let resyncs = harness.informer.stats.resyncs
            #expect(try await eventually { harness.informer.stats.resyncs >= resyncs + 2 })
            #expect(harness.server.state.faults.requestCount() == 0)
            let resynced = harness.log.all.dropFirst(before)
            #expect(resynced.count >= 4)
            for event in resynced {
                guard case .updated(let old, let new) = event else {
                    Issue.record("resync delivered \(Self.describe(event))")
                    continue
                }
                #expect(old.metadata.resourceVersion == new.metadata.resourceVersion)
            }
        }
    }

    @Test func labelSelectorLimitsTheCache() async throws {
        try await Self.withInformer(configure: { $0.labelSelector = "app=web" }) { harness in
            _ = try await harness.client.create(Self.service("web", namespace: harness.namespace, labels: ["app": "web"]))
            var other = try await harness.client.create(
                Self.service("db", namespace: harness.namespace, labels: ["app": "db"]))
            #expect(try await eventually { harness.informer.keys.map(\.name) == ["web"] })
            // Relabelled into the selector: added; out of it: deleted.
            other.metadata.labels["app"] = "web"
            other = try await harness.client.update(other)
            #expect(try await eventually { harness.informer.keys.map(\.name) == ["db", "web"] })
            other.metadata.labels["app"] = "db"
            _ = try await harness.client.update(other)
            #expect(try await eventually { harness.informer.keys.map(\.name) == ["web"] })
            #expect(harness.log.descriptions.map { $0.split(separator: "@")[0] } == ["added web", "added db", "deleted db"])
        }
    }

    @Test(arguments: [WatchListMode.never, .always])
    func burstOfConcurrentWritesWithCutWatchesConverges(mode: WatchListMode) async throws {
        try await Self.withInformer(watchList: mode) { harness in
            let client = harness.client, namespace = harness.namespace, state = harness.server.state
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<100 {
                    group.addTask { _ = try await client.create(Self.service("s\(index)", namespace: namespace)) }
                }
                group.addTask {
                    for _ in 0..<3 {
                        try await Task.sleep(for: .milliseconds(30))
                        state.abortAllWatches()
                    }
                }
                try await group.waitForAll()
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        var service = try await client.get(Service.self, name: "s\(index)", namespace: namespace)
                        service.metadata.labels["updated"] = "yes"
                        _ = try await client.update(service)
                    }
                    group.addTask { try await client.delete(Service.self, name: "s\(50 + index)", namespace: namespace) }
                }
                group.addTask {
                    for _ in 0..<3 {
                        try await Task.sleep(for: .milliseconds(30))
                        state.abortAllWatches()
                    }
                    state.closeAllWatches()
                }
                try await group.waitForAll()
            }
            try await Self.expectConverged(harness)
            #expect(harness.informer.keys.count == 50)
            #expect(harness.informer.list().allSatisfy { $0.metadata.labels["updated"] == "yes" })
            #expect(harness.informer.stats.relists == 0)
            #expect(Self.replay(harness.log.all) == Self.cacheVersions(harness.informer))
        }
    }

    @Test func handlerAddedLateIsToldAboutCachedObjects() async throws {
        try await Self.withInformer { harness in
            _ = try await harness.client.create(Self.service("a", namespace: harness.namespace))
            try await Self.expectConverged(harness)
            let late = EventLog()
            harness.informer.addHandler { late.record($0) }
            #expect(late.descriptions.map { $0.split(separator: "@")[0] } == ["added a"])
            _ = try await harness.client.create(Self.service("b", namespace: harness.namespace))
            #expect(try await eventually { late.all.count == 2 })
        }
    }

    @Test func waitersAreReleasedWhenRunEndsBeforeSync() async throws {
        try await Self.withInformer(waitForSync: false) { harness in
            harness.server.state.faults.setDown(true)
            let informer = Informer<Service>(
                client: harness.client,
                options: InformerOptions(
                    namespace: harness.namespace, backoffBase: .milliseconds(10), backoffCap: .milliseconds(50)))
            let running = Task { await informer.run() }
            let waiting = Task { await informer.waitUntilSynced() }
            running.cancel()
            await running.value
            #expect(await waiting.value == false)
            #expect(!informer.hasSynced)
            harness.server.state.faults.setDown(false)
        }
    }

    @Test func projectionTypeDecidesWhatIsCached() async throws {
        var serverOptions = TestAPIServer.Options()
        serverOptions.store = Self.fastStore()
        try await TestCluster.with(realClusterVariable: nil, serverOptions: serverOptions) { cluster in
            guard let server = cluster.server else { throw SetupError.noInProcessServer }
            let node: JSON = [
                "apiVersion": "v1", "kind": "Node",
                "metadata": ["name": "node-1", "labels": ["topology.kubernetes.io/zone": "z1", "noise": "x"]],
            ]
            try server.state.create(node)
            let informer = Informer<NodeSummary>(
                client: cluster.client, options: InformerOptions(backoffBase: .milliseconds(10), backoffCap: .milliseconds(200)))
            let running = Task { await informer.run() }
            #expect(await informer.waitUntilSynced())
            let cached = informer.get(ObjectKey(namespace: nil, name: "node-1"))
            #expect(cached?.zone == "z1")
            #expect(cached?.metadata.labels["noise"] == nil, "labels NodeSummary does not model are not kept")
            try server.state.create(["apiVersion": "v1", "kind": "Node", "metadata": ["name": "node-2"]])
            #expect(try await eventually { informer.keys.map(\.description) == ["node-1", "node-2"] })
            running.cancel()
            await running.value
        }
    }

    // MARK: store

    @Test func objectKeysSortAndPrintLikeKubectl() {
        let keys = [
            ObjectKey(namespace: "b", name: "a"), ObjectKey(namespace: "a", name: "z"),
            ObjectKey(namespace: nil, name: "node"), ObjectKey(namespace: "", name: "n2"),
        ]
        #expect(keys.sorted().map(\.description) == ["n2", "node", "a/z", "b/a"])
        #expect(ObjectKey(namespace: "", name: "x") == ObjectKey(namespace: nil, name: "x"))
    }
}
