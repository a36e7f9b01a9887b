import Testing
import TestAPIServer

@Suite("DELETE: preconditions, finalizers, garbage collection")
struct DeleteTests {
    let client = TestClient()
    let leases = "/apis/coordination.k8s.io/v1/namespaces/default/leases"
    let services = "/api/v1/namespaces/default/services"

    @Test func servicesReturnTheDeletedObjectOthersASuccessStatus() async throws {
        try client.state.create(Fixtures.service("svc"))
        let service = await client.delete("\(services)/svc")
        #expect(service.status == 200)
        #expect(service.json["kind"] == "Service")

        let lease = try client.state.create(Fixtures.configMapLike(lease: "l"))
        let status = await client.delete("\(leases)/l")
        #expect(status.status == 200)
        #expect(status.json == [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success",
            "details": ["name": "l", "group": "coordination.k8s.io", "kind": "leases", "uid": lease[path: ["metadata", "uid"]] ?? .null],
        ])
        #expect(await client.delete("\(leases)/l").status == 404)
    }

    @Test func preconditionsMustMatch() async throws {
        let lease = try client.state.create(Fixtures.configMapLike(lease: "p"))
        let wrongUID = await client.delete("\(leases)/p", ["preconditions": ["uid": "nope"]])
        #expect(wrongUID.status == 409)
        #expect(wrongUID.message.contains("Precondition failed: UID in precondition: nope"))
        let wrongVersion = await client.delete("\(leases)/p", ["preconditions": ["resourceVersion": "1"]])
        #expect(wrongVersion.status == 409)
        let right = await client.delete(
            "\(leases)/p",
            ["preconditions": ["uid": lease[path: ["metadata", "uid"]] ?? .null, "resourceVersion": lease[path: ["metadata", "resourceVersion"]] ?? .null]])
        #expect(right.status == 200)
    }

    @Test func finalizersHoldTheObjectUntilRemoved() async throws {
        var lease = Fixtures.configMapLike(lease: "held")
        lease[path: ["metadata", "finalizers"]] = ["example.com/hold"]
        try client.state.create(lease)
        let watch = await client.watch(leases, query: "resourceVersion=\(client.state.resourceVersion)")

        let reply = await client.delete("\(leases)/held")
        #expect(reply.status == 200)
        #expect(reply.json[path: ["metadata", "deletionTimestamp"]] != nil)
        #expect(client.state.get("leases", namespace: "default", name: "held") != nil)

        var released = reply.json
        released[path: ["metadata", "finalizers"]] = nil
        let update = await client.put("\(leases)/held", released)
        #expect(update.status == 200)
        #expect(client.state.get("leases", namespace: "default", name: "held") == nil)

        let events = await watch.waitForEvents(2)
        #expect(events.map(\.type) == ["MODIFIED", "DELETED"])
        watch.cancel()
    }

    func owner() throws -> JSON {
        try client.state.create(Fixtures.service("owner"))
    }

    func dependent(_ name: String, owner: JSON) throws {
        var lease = Fixtures.configMapLike(lease: name)
        lease[path: ["metadata", "ownerReferences"]] = [
            ["apiVersion": "v1", "kind": "Service", "name": "owner", "uid": owner[path: ["metadata", "uid"]] ?? .null]
        ]
        try client.state.create(lease)
    }

    @Test func backgroundDeletionCollectsDependents() async throws {
        let owner = try owner()
        try dependent("dep", owner: owner)
        #expect(await client.delete("\(services)/owner").status == 200)
        #expect(client.state.get("leases", namespace: "default", name: "dep") == nil)
    }

    @Test func aDependentCreatedAfterItsOwnerIsGoneIsCollected() async throws {
        let owner = try owner()
        #expect(await client.delete("\(services)/owner").status == 200)
        try dependent("late", owner: owner)
        #expect(client.state.get("leases", namespace: "default", name: "late") == nil)
    }

    @Test func orphanDeletionKeepsDependentsWithoutTheReference() async throws {
        let owner = try owner()
        try dependent("dep", owner: owner)
        #expect(await client.delete("\(services)/owner", ["propagationPolicy": "Orphan"]).status == 200)
        let orphan = try #require(client.state.get("leases", namespace: "default", name: "dep"))
        #expect(orphan[path: ["metadata", "ownerReferences"]] == nil)
    }

    @Test func foregroundDeletionWaitsForDependents() async throws {
        let owner = try owner()
        var held = Fixtures.configMapLike(lease: "held")
        held[path: ["metadata", "finalizers"]] = ["example.com/hold"]
        held[path: ["metadata", "ownerReferences"]] = [
            ["apiVersion": "v1", "kind": "Service", "name": "owner", "uid": owner[path: ["metadata", "uid"]] ?? .null]
        ]
        try client.state.create(held)
        let reply = await client.delete("\(services)/owner", query: "propagationPolicy=Foreground")
        #expect(reply.status == 200)
        #expect(reply.json[path: ["metadata", "finalizers"]] == ["foregroundDeletion"])
        #expect(client.state.get("services", namespace: "default", name: "owner") != nil)

        var dependent = try #require(client.state.get("leases", namespace: "default", name: "held"))
        dependent[path: ["metadata", "finalizers"]] = nil
        try client.state.update(dependent)
        #expect(client.state.get("leases", namespace: "default", name: "held") == nil)
        #expect(client.state.get("services", namespace: "default", name: "owner") == nil)
    }

    @Test func deleteCollectionDeletesWhatTheSelectorMatches() async throws {
        try client.state.create(Fixtures.configMapLike(lease: "a", labels: ["x": "1"]))
        try client.state.create(Fixtures.configMapLike(lease: "b"))
        let reply = await client.delete(leases, query: "labelSelector=x%3D1")
        #expect(reply.status == 200)
        #expect(client.state.list("leases").map { $0[path: ["metadata", "name"]] } == ["b"])
    }
}
