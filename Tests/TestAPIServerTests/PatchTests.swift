import Testing
import TestAPIServer

@Suite("PATCH: merge, JSON patch, server-side apply")
struct PatchTests {
    let client = TestClient()
    let path = "/api/v1/namespaces/default/services"

    @Test func mergePatchMergesObjectsAndRemovesNulls() async throws {
        try client.state.create(Fixtures.service("m", labels: ["a": "1", "b": "2"]))
        let reply = await client.patch(
            "\(path)/m", ["metadata": ["labels": ["a": "9", "b": nil, "c": "3"]]], type: "application/merge-patch+json")
        #expect(reply.status == 200)
        #expect(reply.json[path: ["metadata", "labels"]] == ["a": "9", "c": "3"])
        #expect(reply.json[path: ["spec", "clusterIP"]] != nil)
    }

    @Test func strategicMergePatchIsAccepted() async throws {
        try client.state.create(Fixtures.service("s"))
        let reply = await client.patch(
            "\(path)/s", ["metadata": ["annotations": ["x": "y"]]], type: "application/strategic-merge-patch+json")
        #expect(reply.json[path: ["metadata", "annotations", "x"]] == "y")
    }

    @Test func jsonPatchAppliesOperationsAndFailsOnAFailedTest() async throws {
        try client.state.create(Fixtures.service("j", labels: ["a": "1"]))
        let reply = await client.patch(
            "\(path)/j",
            [
                ["op": "test", "path": "/metadata/labels/a", "value": "1"],
                ["op": "add", "path": "/metadata/labels/b", "value": "2"],
                ["op": "replace", "path": "/metadata/labels/a", "value": "3"],
                ["op": "remove", "path": "/metadata/labels/b"],
                ["op": "add", "path": "/spec/ports/-", "value": ["port": 443, "name": "https"]],
            ], type: "application/json-patch+json")
        // With two ports every port needs a name: the patched object is validated like an update.
        #expect(reply.status == 422)
        #expect(reply.message.contains("spec.ports[0].name: Required value"))
        let named = await client.patch(
            "\(path)/j",
            [
                ["op": "test", "path": "/metadata/labels/a", "value": "1"],
                ["op": "add", "path": "/metadata/labels/b", "value": "2"],
                ["op": "replace", "path": "/metadata/labels/a", "value": "3"],
                ["op": "remove", "path": "/metadata/labels/b"],
                ["op": "add", "path": "/spec/ports/0/name", "value": "http"],
                ["op": "add", "path": "/spec/ports/-", "value": ["port": 443, "name": "https"]],
            ], type: "application/json-patch+json")
        #expect(named.status == 200)
        #expect(named.json[path: ["metadata", "labels"]] == ["a": "3"])
        #expect(named.json[path: ["spec", "ports"]]?.arrayValue?.count == 2)

        let failed = await client.patch(
            "\(path)/j", [["op": "test", "path": "/metadata/labels/a", "value": "nope"]], type: "application/json-patch+json")
        #expect(failed.status == 422)
        let malformed = await client.patch("\(path)/j", ["op": "add"], type: "application/json-patch+json")
        #expect(malformed.status == 400)
    }

    @Test func patchCarryingAResourceVersionIsAPrecondition() async throws {
        let created = try client.state.create(Fixtures.service("p"))
        let version = created[path: ["metadata", "resourceVersion"]]?.stringValue ?? ""
        let ok = await client.patch(
            "\(path)/p", ["metadata": ["resourceVersion": .string(version), "labels": ["x": "1"]]],
            type: "application/merge-patch+json")
        #expect(ok.status == 200)
        let stale = await client.patch(
            "\(path)/p", ["metadata": ["resourceVersion": .string(version), "labels": ["x": "2"]]],
            type: "application/merge-patch+json")
        #expect(stale.status == 409)
        #expect(stale.reason == "Conflict")
    }

    @Test func patchOfAMissingObjectIsNotFound() async {
        let reply = await client.patch("\(path)/missing", ["metadata": ["labels": ["a": "b"]]], type: "application/merge-patch+json")
        #expect(reply.status == 404)
    }

    @Test func unknownPatchTypeIsUnsupportedMediaType() async throws {
        try client.state.create(Fixtures.service("t"))
        #expect(await client.patch("\(path)/t", [:], type: "text/plain").status == 415)
    }

    @Test func applyCreatesThenMergesAndRecordsTheManager() async {
        let config = Fixtures.service("applied", labels: ["owner": "me"])
        let created = await client.patch(
            "\(path)/applied", config, type: "application/apply-patch+yaml", query: "fieldManager=barrelman&force=true")
        #expect(created.status == 201)
        #expect(created.json[path: ["metadata", "managedFields"]]?.arrayValue?.first?["manager"] == "barrelman")
        #expect(created.json[path: ["metadata", "managedFields"]]?.arrayValue?.first?["operation"] == "Apply")

        var second = config
        second[path: ["metadata", "annotations"]] = ["note": "x"]
        second[path: ["spec", "ports"]] = [["port": 9090]]
        let updated = await client.patch(
            "\(path)/applied", second, type: "application/apply-patch+yaml", query: "fieldManager=barrelman")
        #expect(updated.status == 200)
        #expect(updated.json[path: ["metadata", "labels", "owner"]] == "me")
        #expect(updated.json[path: ["metadata", "annotations", "note"]] == "x")
        #expect(updated.json[path: ["spec", "ports"]]?.arrayValue?.first?["port"] == 9090)
        #expect(updated.json[path: ["spec", "clusterIP"]] == created.json[path: ["spec", "clusterIP"]])
        #expect(updated.json[path: ["metadata", "managedFields"]]?.arrayValue?.count == 1)
    }

    @Test func applyRequiresAFieldManager() async {
        let reply = await client.patch("\(path)/x", Fixtures.service("x"), type: "application/apply-patch+yaml")
        #expect(reply.status == 422)
        #expect(reply.message.contains("fieldManager: Required value"))
    }

    @Test func statusPatchChangesOnlyStatus() async throws {
        try client.state.create(Fixtures.service("lbs", type: "LoadBalancer"))
        let reply = await client.patch(
            "\(path)/lbs/status",
            ["status": ["loadBalancer": ["ingress": [["ip": "198.51.100.7"]]]], "metadata": ["labels": ["no": "pe"]]],
            type: "application/merge-patch+json")
        #expect(reply.status == 200)
        #expect(reply.json[path: ["status", "loadBalancer", "ingress"]] == [["ip": "198.51.100.7"]])
        #expect(reply.json[path: ["metadata", "labels"]] == nil)
    }
}
