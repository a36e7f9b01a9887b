import Testing
import TestAPIServer

@Suite("Watches")
struct WatchTests {
    let leases = "/apis/coordination.k8s.io/v1/namespaces/default/leases"

    func client(bookmarkInterval: Duration = .seconds(1)) -> TestClient {
        var configuration = StoreConfiguration()
        configuration.bookmarkInterval = bookmarkInterval
        return TestClient(configuration: configuration)
    }

    @Test func watchWithoutResourceVersionStartsWithAddedForEveryObjectThenFollows() async throws {
        let client = client()
        try client.state.create(Fixtures.configMapLike(lease: "existing"))
        let watch = await client.watch(leases, query: "")
        #expect(watch.status == 200)
        await watch.waitForEvents(1)
        try client.state.create(Fixtures.configMapLike(lease: "fresh"))
        let events = await watch.waitForEvents(2)
        #expect(events.map(\.type) == ["ADDED", "ADDED"])
        #expect(events.map(\.name) == ["existing", "fresh"])
        #expect(events[1].object["kind"] == "Lease")
        #expect(events[1].object["apiVersion"] == "coordination.k8s.io/v1")
        watch.cancel()
    }

    @Test func watchFromAResourceVersionReplaysEverythingAfterIt() async throws {
        let client = client()
        let created = try client.state.create(Fixtures.configMapLike(lease: "a"))
        let version = created[path: ["metadata", "resourceVersion"]]?.stringValue ?? ""
        var modified = created
        modified[path: ["spec", "holderIdentity"]] = "b"
        try client.state.update(modified)
        try client.state.create(Fixtures.configMapLike(lease: "c"))
        try client.state.delete("leases", namespace: "default", name: "a")

        let watch = await client.watch(leases, query: "resourceVersion=\(version)")
        let events = await watch.waitForEvents(3)
        #expect(events.map(\.type) == ["MODIFIED", "ADDED", "DELETED"])
        #expect(events.map(\.name) == ["a", "c", "a"])
        let versions = events.compactMap { Int64($0.resourceVersion) }
        #expect(versions == versions.sorted() && Set(versions).count == 3)
        watch.cancel()
    }

    @Test func watchFromACompactedResourceVersionGetsAnExpiredErrorEvent() async throws {
        let client = client()
        let created = try client.state.create(Fixtures.configMapLike(lease: "a"))
        let version = created[path: ["metadata", "resourceVersion"]]?.stringValue ?? ""
        try client.state.create(Fixtures.configMapLike(lease: "b"))
        client.state.compact()
        let watch = await client.watch(leases, query: "resourceVersion=\(version)")
        #expect(watch.status == 200)
        #expect(await watch.waitForEnd() == .finished)
        let events = watch.events
        #expect(events.count == 1)
        #expect(events.first?.type == "ERROR")
        #expect(events.first?.object["code"] == 410)
        #expect(events.first?.object["reason"] == "Expired")
        #expect(events.first?.object["message"]?.stringValue?.hasPrefix("too old resource version: \(version) (") == true)
    }

    @Test func resetHistoryMakesResumesExpire() async throws {
        let client = client()
        let created = try client.state.create(Fixtures.configMapLike(lease: "a"))
        let before = client.state.resourceVersion
        client.state.resetHistory()
        #expect(client.state.resourceVersion >= before + 1_000_000)
        let version = created[path: ["metadata", "resourceVersion"]]?.stringValue ?? ""
        let watch = await client.watch(leases, query: "resourceVersion=\(version)")
        await watch.waitForEnd()
        #expect(watch.events.first?.object["code"] == 410)
    }

    @Test func bookmarksCarryOnlyTypeMetaAndTheResourceVersion() async throws {
        let client = client(bookmarkInterval: .milliseconds(20))
        let watch = await client.watch(leases, query: "allowWatchBookmarks=true&resourceVersion=\(client.state.resourceVersion)")
        let events = await watch.waitForEvents(1)
        let bookmark = try #require(events.first)
        #expect(bookmark.type == "BOOKMARK")
        #expect(bookmark.object == [
            "kind": "Lease", "apiVersion": "coordination.k8s.io/v1",
            "metadata": ["resourceVersion": .string(String(client.state.resourceVersion))],
        ])
        watch.cancel()
    }

    @Test func noBookmarksUnlessAsked() async throws {
        let client = client(bookmarkInterval: .milliseconds(10))
        let watch = await client.watch(leases, query: "resourceVersion=\(client.state.resourceVersion)&timeoutSeconds=1")
        #expect(await watch.waitForEnd() == .finished)
        #expect(watch.events.isEmpty)
    }

    @Test func sendInitialEventsEndsTheInitialListWithAnAnnotatedBookmark() async throws {
        let client = client(bookmarkInterval: .seconds(60))
        try client.state.create(Fixtures.configMapLike(lease: "one"))
        try client.state.create(Fixtures.configMapLike(lease: "two"))
        let watch = await client.watch(
            leases, query: "sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true")
        let events = await watch.waitForEvents(3)
        #expect(events.map(\.type) == ["ADDED", "ADDED", "BOOKMARK"])
        #expect(events.last?.object[path: ["metadata", "annotations", "k8s.io/initial-events-end"]] == "true")
        #expect(events.last?.resourceVersion == String(client.state.resourceVersion))
        watch.cancel()
    }

    @Test func sendInitialEventsRequiresNotOlderThan() async {
        let client = client()
        let reply = await client.call("GET", leases, query: "watch=1&sendInitialEvents=true&allowWatchBookmarks=true")
        #expect(reply.status == 422)
    }

    @Test func objectsMovingInAndOutOfASelectorAreAddedAndDeleted() async throws {
        let client = client()
        let watch = await client.watch(leases, query: "labelSelector=team%3Dblue&resourceVersion=\(client.state.resourceVersion)")
        var lease = try client.state.create(Fixtures.configMapLike(lease: "l", labels: ["team": "red"]))
        lease[path: ["metadata", "labels", "team"]] = "blue"
        lease = try client.state.update(lease)
        lease[path: ["spec", "holderIdentity"]] = "z"
        lease = try client.state.update(lease)
        lease[path: ["metadata", "labels", "team"]] = "red"
        try client.state.update(lease)
        let events = await watch.waitForEvents(3)
        #expect(events.map(\.type) == ["ADDED", "MODIFIED", "DELETED"])
        #expect(events.last?.object[path: ["metadata", "labels", "team"]] == "red")
        watch.cancel()
    }

    @Test func namespacedWatchSeesOnlyItsNamespace() async throws {
        let client = client()
        try client.state.create(Fixtures.namespace("other"))
        let watch = await client.watch(leases, query: "resourceVersion=\(client.state.resourceVersion)")
        try client.state.create(Fixtures.configMapLike(lease: "elsewhere", namespace: "other"))
        try client.state.create(Fixtures.configMapLike(lease: "here"))
        let events = await watch.waitForEvents(1)
        try await Task.sleep(for: .milliseconds(50))
        #expect(watch.events.map(\.name) == ["here"])
        #expect(events.count == 1)
        watch.cancel()
    }

    @Test func timeoutSecondsEndsTheStreamCleanly() async {
        let client = client()
        let watch = await client.watch(leases, query: "timeoutSeconds=1")
        #expect(await watch.waitForEnd(timeout: .seconds(10)) == .finished)
        #expect(client.state.openWatchCount == 0)
    }

    @Test func cancelledWatchesAreForgotten() async throws {
        let client = client()
        let watch = await client.watch(leases, query: "")
        #expect(client.state.openWatchCount == 1)
        watch.cancel()
        let deadline = ContinuousClock.now + .seconds(5)
        while client.state.openWatchCount > 0 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(client.state.openWatchCount == 0)
    }

    @Test func concurrentWritesAreAllDeliveredInOrder() async throws {
        let client = client()
        let watch = await client.watch(leases, query: "resourceVersion=\(client.state.resourceVersion)")
        let state = client.state
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for index in 0..<25 {
                        _ = try? state.create(Fixtures.configMapLike(lease: "w\(worker)-\(index)"))
                    }
                }
            }
        }
        let events = await watch.waitForEvents(100)
        #expect(events.count == 100)
        let versions = events.compactMap { Int64($0.resourceVersion) }
        #expect(versions == versions.sorted())
        watch.cancel()
    }
}
