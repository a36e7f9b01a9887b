import Testing
import TestAPIServer

@Suite("Namespace lifecycle")
struct NamespaceTests {
    @Test func createdNamespacesAreActiveWithTheKubernetesFinalizer() async {
        let client = TestClient()
        let reply = await client.post("/api/v1/namespaces", Fixtures.namespace("team-a"))
        #expect(reply.status == 201)
        #expect(reply.json[path: ["status", "phase"]] == "Active")
        #expect(reply.json[path: ["spec", "finalizers"]] == ["kubernetes"])
        let again = await client.post("/api/v1/namespaces", Fixtures.namespace("team-a"))
        #expect(again.status == 409)
        #expect(again.message == "namespaces \"team-a\" already exists")
        #expect(await client.post("/api/v1/namespaces", Fixtures.namespace("Team_A")).status == 422)
    }

    @Test func deletingANamespaceRemovesItsContentThenItself() async throws {
        let client = TestClient()
        try client.state.create(Fixtures.namespace("gone"))
        try client.state.create(Fixtures.service("s", namespace: "gone"))
        try client.state.create(Fixtures.configMapLike(lease: "l", namespace: "gone"))
        let watch = await client.watch("/api/v1/namespaces", query: "fieldSelector=metadata.name%3Dgone&resourceVersion=\(client.state.resourceVersion)")
        let reply = await client.delete("/api/v1/namespaces/gone")
        #expect(reply.status == 200)
        #expect(reply.json[path: ["status", "phase"]] == "Terminating")
        #expect(client.state.get("namespaces", name: "gone") == nil)
        #expect(client.state.list("services", namespace: "gone").isEmpty)
        #expect(client.state.list("leases", namespace: "gone").isEmpty)
        let events = await watch.waitForEvents(3)
        #expect(events.map(\.type) == ["MODIFIED", "MODIFIED", "DELETED"])
        watch.cancel()
    }

    @Test func terminatingNamespacesRefuseNewContentUntilTheyAreGone() async throws {
        var configuration = StoreConfiguration()
        configuration.namespaceFinalizationDelay = .milliseconds(200)
        let client = TestClient(configuration: configuration)
        try client.state.create(Fixtures.namespace("slow"))
        _ = await client.delete("/api/v1/namespaces/slow")
        #expect(client.state.get("namespaces", name: "slow")?[path: ["status", "phase"]] == "Terminating")
        let refused = await client.post("/api/v1/namespaces/slow/services", Fixtures.service("late", namespace: "slow"))
        #expect(refused.status == 403)
        #expect(refused.reason == "Forbidden")
        #expect(
            refused.message
                == "services \"late\" is forbidden: unable to create new content in namespace slow because it is being terminated")
        let deadline = ContinuousClock.now + .seconds(5)
        while client.state.get("namespaces", name: "slow") != nil && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(client.state.get("namespaces", name: "slow") == nil)
    }

    @Test func objectsWithFinalizersKeepTheNamespaceTerminating() async throws {
        let client = TestClient()
        try client.state.create(Fixtures.namespace("held"))
        var lease = Fixtures.configMapLike(lease: "l", namespace: "held")
        lease[path: ["metadata", "finalizers"]] = ["example.com/hold"]
        try client.state.create(lease)
        _ = await client.delete("/api/v1/namespaces/held")
        #expect(client.state.get("namespaces", name: "held") != nil)
        var stuck = try #require(client.state.get("leases", namespace: "held", name: "l"))
        stuck[path: ["metadata", "finalizers"]] = nil
        try client.state.update(stuck)
        #expect(client.state.get("namespaces", name: "held") == nil)
    }

    @Test func systemNamespacesCannotBeDeleted() async {
        let client = TestClient()
        let reply = await client.delete("/api/v1/namespaces/default")
        #expect(reply.status == 403)
        #expect(reply.message == "namespaces \"default\" is forbidden: this namespace may not be deleted")
    }
}
