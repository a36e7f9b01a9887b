import Testing
import TestAPIServer

@Suite("Label and field selectors")
struct SelectorTests {
    let labels = ["app": "web", "tier": "front", "version": "3"]

    @Test(arguments: [
        ("app=web", true), ("app==web", true), ("app!=web", false), ("app!=db", true), ("missing!=x", true),
        ("app in (db,web)", true), ("app in (db)", false), ("app notin (db)", true), ("missing notin (db)", true),
        ("app", true), ("!app", false), ("!missing", true), ("app=web,tier=front", true), ("app=web,tier=back", false),
        ("version>2", true), ("version<2", false), ("", true), ("app in (web), !missing", true),
    ])
    func labelSelectorsMatchLikeKube(selector: String, expected: Bool) throws {
        #expect(try LabelSelector.parse(selector).matches(labels) == expected)
    }

    @Test(arguments: ["app in web", "app=(", "=web", "app in (a", "a b", "app!"])
    func malformedLabelSelectorsDoNotParse(selector: String) {
        #expect(throws: SelectorParseError.self) { try LabelSelector.parse(selector) }
    }

    @Test func fieldSelectorsKnowOnlyTheResourcesFields() throws {
        let object: JSON = ["metadata": ["name": "a", "namespace": "ns1"]]
        #expect(try FieldSelector.parse("metadata.name=a", for: .services).matches(object))
        #expect(try FieldSelector.parse("metadata.name==a,metadata.namespace=ns1", for: .services).matches(object))
        #expect(try !FieldSelector.parse("metadata.namespace!=ns1", for: .services).matches(object))
        do {
            _ = try FieldSelector.parse("spec.foo=bar", for: .services)
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "\"spec.foo\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"")
        }
    }

    @Test func listsFilterBySelectorsAndRejectBadOnes() async throws {
        let client = TestClient()
        try client.state.create(Fixtures.service("a", labels: ["app": "web"]))
        try client.state.create(Fixtures.service("b", labels: ["app": "db"]))
        try client.state.create(Fixtures.service("c"))
        let path = "/api/v1/namespaces/default/services"
        func names(_ query: String) async -> [String] {
            let items = await client.get(path, query: query).json["items"]?.arrayValue ?? []
            return items.compactMap { $0[path: ["metadata", "name"]]?.stringValue }
        }
        #expect(await names("labelSelector=app%3Dweb") == ["a"])
        #expect(await names("labelSelector=app%20in%20(web,db)") == ["a", "b"])
        #expect(await names("labelSelector=!app") == ["c"])
        #expect(await names("labelSelector=app%20notin%20(web)") == ["b", "c"])
        #expect(await names("fieldSelector=metadata.name%3Db") == ["b"])
        #expect(await names("fieldSelector=metadata.name!%3Db") == ["a", "c"])

        let badLabel = await client.get(path, query: "labelSelector=app%20in%20web")
        #expect(badLabel.status == 400)
        #expect(badLabel.reason == "BadRequest")
        let badField = await client.get(path, query: "fieldSelector=spec.foo%3Dbar")
        #expect(badField.status == 400)
        #expect(badField.message == "\"spec.foo\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"")
    }
}
