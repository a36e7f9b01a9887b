import Testing
import TestAPIServer

@Suite("Create, get, update")
struct CRUDTests {
    let client = TestClient()

    @Test func createSetsServerManagedMetadataAndBumpsTheResourceVersionByOne() async {
        let before = client.state.resourceVersion
        let reply = await client.post(
            "/apis/coordination.k8s.io/v1/namespaces/default/leases", Fixtures.configMapLike(lease: "a"))
        #expect(reply.status == 201)
        let created = reply.json
        #expect(created[path: ["metadata", "resourceVersion"]]?.stringValue == String(before + 1))
        #expect((created[path: ["metadata", "uid"]]?.stringValue ?? "").count == 36)
        #expect(created[path: ["metadata", "creationTimestamp"]]?.stringValue?.hasSuffix("Z") == true)
        #expect(created["kind"] == "Lease")
        #expect(created["apiVersion"] == "coordination.k8s.io/v1")

        let second = await client.post(
            "/apis/coordination.k8s.io/v1/namespaces/default/leases", Fixtures.configMapLike(lease: "b"))
        #expect(second.json[path: ["metadata", "resourceVersion"]]?.stringValue == String(before + 2))

        let fetched = await client.get("/apis/coordination.k8s.io/v1/namespaces/default/leases/a")
        #expect(fetched.status == 200)
        #expect(fetched.json == created)
    }

    @Test func generationStartsAtOneAndGrowsOnlyWithSpecChanges() async {
        let created = await client.post("/api/v1/namespaces/default/services", Fixtures.service("web"))
        #expect(created.json[path: ["metadata", "generation"]] == 1)
        var labelled = created.json
        labelled[path: ["metadata", "labels"]] = ["a": "b"]
        let afterLabel = await client.put("/api/v1/namespaces/default/services/web", labelled)
        #expect(afterLabel.json[path: ["metadata", "generation"]] == 1)
        var respec = afterLabel.json
        respec[path: ["spec", "ports"]] = [["port": 81]]
        let afterSpec = await client.put("/api/v1/namespaces/default/services/web", respec)
        #expect(afterSpec.status == 200)
        #expect(afterSpec.json[path: ["metadata", "generation"]] == 2)
    }

    @Test func unchangedUpdateWritesNothing() async {
        let created = await client.post("/api/v1/namespaces/default/services", Fixtures.service("same"))
        let version = client.state.resourceVersion
        let again = await client.put("/api/v1/namespaces/default/services/same", created.json)
        #expect(again.status == 200)
        #expect(client.state.resourceVersion == version)
    }

    @Test func generateNameAppendsFiveRandomCharacters() async {
        let reply = await client.post(
            "/apis/coordination.k8s.io/v1/namespaces/default/leases",
            ["metadata": ["generateName": "lease-"], "spec": [:]])
        #expect(reply.status == 201)
        let name = reply.json[path: ["metadata", "name"]]?.stringValue ?? ""
        #expect(name.hasPrefix("lease-"))
        #expect(name.count == "lease-".count + 5)
    }

    @Test func creatingAnExistingObjectIsAlreadyExists() async {
        _ = await client.post("/api/v1/namespaces/default/services", Fixtures.service("dup"))
        let reply = await client.post("/api/v1/namespaces/default/services", Fixtures.service("dup"))
        #expect(reply.status == 409)
        #expect(reply.reason == "AlreadyExists")
        #expect(reply.message == "services \"dup\" already exists")
    }

    @Test func staleResourceVersionOnUpdateIsConflict() async {
        let created = await client.post("/api/v1/namespaces/default/services", Fixtures.service("x")).json
        var first = created
        first[path: ["metadata", "labels"]] = ["v": "1"]
        #expect(await client.put("/api/v1/namespaces/default/services/x", first).status == 200)
        var stale = created
        stale[path: ["metadata", "labels"]] = ["v": "2"]
        let reply = await client.put("/api/v1/namespaces/default/services/x", stale)
        #expect(reply.status == 409)
        #expect(reply.reason == "Conflict")
        #expect(
            reply.message
                == "Operation cannot be fulfilled on services \"x\": the object has been modified; please apply your changes to the latest version and try again"
        )
        #expect(reply.json == [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
            "message": .string(reply.message), "reason": "Conflict", "details": ["name": "x", "kind": "services"],
            "code": 409,
        ])
    }

    @Test func updateWithoutResourceVersionIsUnconditional() async {
        let created = await client.post("/api/v1/namespaces/default/services", Fixtures.service("u")).json
        var body = created
        body[path: ["metadata", "resourceVersion"]] = nil
        body[path: ["metadata", "labels"]] = ["new": "yes"]
        let reply = await client.put("/api/v1/namespaces/default/services/u", body)
        #expect(reply.status == 200)
        #expect(reply.json[path: ["metadata", "labels", "new"]] == "yes")
    }

    @Test func updateOfAMissingObjectIsNotFound() async {
        let reply = await client.put("/api/v1/namespaces/default/services/ghost", Fixtures.service("ghost"))
        #expect(reply.status == 404)
        #expect(reply.message == "services \"ghost\" not found")
    }

    @Test func groupedResourcesNameTheirGroup() async {
        let reply = await client.get("/apis/coordination.k8s.io/v1/namespaces/default/leases/nope")
        #expect(reply.status == 404)
        #expect(reply.message == "leases.coordination.k8s.io \"nope\" not found")
        #expect(reply.json["details"] == ["name": "nope", "group": "coordination.k8s.io", "kind": "leases"])
    }

    @Test func createInAMissingNamespaceIsNotFoundForTheNamespace() async {
        let reply = await client.post("/api/v1/namespaces/nowhere/services", Fixtures.service("s", namespace: "nowhere"))
        #expect(reply.status == 404)
        #expect(reply.message == "namespaces \"nowhere\" not found")
    }

    @Test func bodyNamespaceMustMatchTheURL() async {
        let reply = await client.post("/api/v1/namespaces/default/services", Fixtures.service("s", namespace: "other"))
        #expect(reply.status == 400)
        #expect(reply.reason == "BadRequest")
    }

    @Test func malformedJSONIsBadRequest() async {
        let reply = await client.call(
            "POST", "/api/v1/namespaces/default/services", rawBody: Array("{\"metadata\":".utf8))
        #expect(reply.status == 400)
        #expect(reply.reason == "BadRequest")
    }

    @Test func invalidNamesAreInvalid() async {
        let reply = await client.post("/api/v1/namespaces/default/services", Fixtures.service("Bad_Name"))
        #expect(reply.status == 422)
        #expect(reply.reason == "Invalid")
        #expect(reply.message.hasPrefix("Service \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a DNS-1035 label"))
        #expect(reply.json[path: ["details", "causes"]]?.arrayValue?.first?["field"] == "metadata.name")

        let missing = await client.post("/api/v1/namespaces/default/services", ["spec": ["ports": [["port": 80]]]])
        #expect(missing.status == 422)
        #expect(missing.message == "Service \"\" is invalid: metadata.name: Required value: name or generateName is required")
    }

    @Test func unknownPathsAreNotFound() async {
        let reply = await client.get("/api/v1/pods")
        #expect(reply.status == 404)
        #expect(reply.message == "the server could not find the requested resource")
    }

    @Test func discoveryAndHealthAnswer() async {
        #expect(await client.get("/healthz").text == "ok")
        #expect(await client.get("/version").json["major"] == "1")
        #expect(await client.get("/api").json["versions"] == ["v1"])
        let core = await client.get("/api/v1").json
        #expect(core["resources"]?.arrayValue?.contains { $0["name"] == "services" } == true)
        let groups = await client.get("/apis").json["groups"]?.arrayValue ?? []
        #expect(groups.contains { $0["name"] == "discovery.k8s.io" })
    }

    @Test func nodeStatusChangesOnlyThroughTheStatusSubresource() async {
        let node: JSON = [
            "apiVersion": "v1", "kind": "Node", "metadata": ["name": "node-1"],
            "status": ["addresses": [["type": "InternalIP", "address": "192.0.2.1"]]],
        ]
        let created = await client.post("/api/v1/nodes", node)
        #expect(created.status == 201)
        var changed = created.json
        changed[path: ["status", "addresses"]] = [["type": "InternalIP", "address": "192.0.2.9"]]
        changed[path: ["metadata", "labels"]] = ["role": "worker"]
        let main = await client.put("/api/v1/nodes/node-1", changed)
        #expect(main.json[path: ["status", "addresses"]] == [["type": "InternalIP", "address": "192.0.2.1"]])
        #expect(main.json[path: ["metadata", "labels", "role"]] == "worker")

        var statusUpdate = main.json
        statusUpdate[path: ["status", "addresses"]] = [["type": "InternalIP", "address": "192.0.2.9"]]
        statusUpdate[path: ["metadata", "labels"]] = ["role": "ignored"]
        let status = await client.put("/api/v1/nodes/node-1/status", statusUpdate)
        #expect(status.status == 200)
        #expect(status.json[path: ["status", "addresses"]] == [["type": "InternalIP", "address": "192.0.2.9"]])
        #expect(status.json[path: ["metadata", "labels", "role"]] == "worker")
    }

    @Test func directAPISeedsAndInspectsState() throws {
        let state = client.state
        try state.create(Fixtures.service("seeded"))
        #expect(state.get("services", namespace: "default", name: "seeded")?[path: ["spec", "type"]] == "ClusterIP")
        #expect(state.list("services").count == 1)
        try state.delete("services", namespace: "default", name: "seeded")
        #expect(state.get("services", namespace: "default", name: "seeded") == nil)
    }
}
