import Testing
import TestAPIServer

@Suite("Lists: shape, pagination, resourceVersion")
struct ListTests {
    let client = TestClient()
    let leases = "/apis/coordination.k8s.io/v1/namespaces/default/leases"

    func seed(_ count: Int) throws {
        for index in 0..<count {
            try client.state.create(Fixtures.configMapLike(lease: "lease-\(index)"))
        }
    }

    @Test func listHasKubesShapeAndItemsOmitTypeMeta() async throws {
        try seed(2)
        let list = await client.get(leases).json
        #expect(list["kind"] == "LeaseList")
        #expect(list["apiVersion"] == "coordination.k8s.io/v1")
        #expect(list[path: ["metadata", "resourceVersion"]]?.stringValue == String(client.state.resourceVersion))
        #expect(list[path: ["metadata", "continue"]] == nil)
        let items = list["items"]?.arrayValue ?? []
        #expect(items.count == 2)
        #expect(items.allSatisfy { $0["kind"] == nil && $0["apiVersion"] == nil })
    }

    @Test func listAcrossNamespacesIsSortedByNamespaceThenName() async throws {
        try client.state.create(Fixtures.namespace("b-ns"))
        try client.state.create(Fixtures.service("z", namespace: "default"))
        try client.state.create(Fixtures.service("a", namespace: "b-ns"))
        let items = await client.get("/api/v1/services").json["items"]?.arrayValue ?? []
        let keys = items.map { "\($0[path: ["metadata", "namespace"]]?.stringValue ?? "")/\($0[path: ["metadata", "name"]]?.stringValue ?? "")" }
        #expect(keys == ["b-ns/a", "default/z"])
    }

    @Test func limitAndContinuePageThroughAConsistentSnapshot() async throws {
        try seed(5)
        let first = await client.get(leases, query: "limit=2").json
        let snapshotVersion = first[path: ["metadata", "resourceVersion"]]
        #expect(first["items"]?.arrayValue?.count == 2)
        #expect(first[path: ["metadata", "remainingItemCount"]] == 3)
        let token = first[path: ["metadata", "continue"]]?.stringValue ?? ""
        #expect(!token.isEmpty)

        // A write between pages is not seen by the continued list.
        try client.state.create(Fixtures.configMapLike(lease: "lease-9"))

        let second = await client.get(leases, query: "limit=2&continue=\(token)").json
        #expect(second[path: ["metadata", "resourceVersion"]] == snapshotVersion)
        #expect(second[path: ["metadata", "remainingItemCount"]] == 1)
        let third = await client.get(
            leases, query: "limit=2&continue=\(second[path: ["metadata", "continue"]]?.stringValue ?? "")").json
        let names = ((first["items"]?.arrayValue ?? []) + (second["items"]?.arrayValue ?? []) + (third["items"]?.arrayValue ?? []))
            .compactMap { $0[path: ["metadata", "name"]]?.stringValue }
        #expect(names == ["lease-0", "lease-1", "lease-2", "lease-3", "lease-4"])
        #expect(third[path: ["metadata", "continue"]] == nil)
        #expect(third[path: ["metadata", "remainingItemCount"]] == nil)
    }

    @Test func filteredPagesOmitRemainingItemCount() async throws {
        try seed(3)
        let page = await client.get(leases, query: "limit=1&fieldSelector=metadata.namespace%3Ddefault").json
        #expect(page[path: ["metadata", "continue"]] != nil)
        #expect(page[path: ["metadata", "remainingItemCount"]] == nil)
    }

    @Test func continueTokenOlderThanCompactionIsExpired() async throws {
        try seed(3)
        let token = await client.get(leases, query: "limit=1").json[path: ["metadata", "continue"]]?.stringValue ?? ""
        try client.state.create(Fixtures.configMapLike(lease: "later"))
        client.state.compact()
        let reply = await client.get(leases, query: "limit=1&continue=\(token)")
        #expect(reply.status == 410)
        #expect(reply.reason == "Expired")
        #expect(reply.message.hasPrefix("The provided continue parameter is too old"))
    }

    @Test func garbageContinueTokenIsBadRequest() async {
        #expect(await client.get(leases, query: "continue=notbase64!").status == 400)
    }

    @Test func exactResourceVersionServesThatSnapshotUntilCompacted() async throws {
        try seed(1)
        let version = client.state.resourceVersion
        try client.state.create(Fixtures.configMapLike(lease: "newer"))
        let exact = await client.get(leases, query: "resourceVersion=\(version)&resourceVersionMatch=Exact").json
        #expect(exact["items"]?.arrayValue?.count == 1)
        #expect(exact[path: ["metadata", "resourceVersion"]]?.stringValue == String(version))
        let notOlder = await client.get(leases, query: "resourceVersion=\(version)&resourceVersionMatch=NotOlderThan").json
        #expect(notOlder["items"]?.arrayValue?.count == 2)
        let any = await client.get(leases, query: "resourceVersion=0").json
        #expect(any["items"]?.arrayValue?.count == 2)
        client.state.compact()
        let expired = await client.get(leases, query: "resourceVersion=\(version)&resourceVersionMatch=Exact")
        #expect(expired.status == 410)
    }
}
