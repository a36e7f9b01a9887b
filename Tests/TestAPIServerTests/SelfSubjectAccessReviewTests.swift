import Testing
import TestAPIServer

/// `POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews` and `/version`, as kube-apiserver answers them.
@Suite("SelfSubjectAccessReview and /version")
struct SelfSubjectAccessReviewTests {
    let client = TestClient()
    static let path = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"

    static func review(_ attributes: JSON) -> JSON {
        ["apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview", "spec": ["resourceAttributes": attributes]]
    }

    @Test func theCallersOwnRulesDecideAndTheReviewComesBackWithItsStatus() async {
        client.state.authenticator.addUser(
            token: "bob-token", name: "bob",
            rules: .rules([AccessRule(verbs: ["list", "watch"], resources: ["services"], groups: [""], namespaces: ["shop"])]))
        let bob = client.with(token: "bob-token")
        let question: JSON = ["namespace": "shop", "verb": "list", "group": "", "resource": "services"]
        let allowed = await bob.post(Self.path, Self.review(question))
        #expect(allowed.status == 201)
        #expect(allowed.json["kind"] == "SelfSubjectAccessReview")
        #expect(allowed.json["apiVersion"] == "authorization.k8s.io/v1")
        #expect(allowed.json[path: ["spec", "resourceAttributes"]] == question)
        #expect(allowed.json[path: ["status", "allowed"]] == true)
        #expect(allowed.json[path: ["status", "reason"]]?.stringValue?.contains("User \"bob\"") == true)

        // RBAC only allows: what it does not grant is neither allowed nor denied, without a reason.
        for denied: JSON in [
            ["namespace": "shop", "verb": "create", "resource": "services"],
            ["verb": "list", "resource": "services"],  // every namespace: the rule covers only shop
            ["namespace": "shop", "verb": "list", "group": "discovery.k8s.io", "resource": "endpointslices"],
        ] {
            let answer = await bob.post(Self.path, Self.review(denied))
            #expect(answer.status == 201)
            #expect(answer.json["status"] == ["allowed": false], "\(denied)")
        }
    }

    @Test func everyAuthenticatedUserMayAskAndAnonymousMayNot() async {
        client.state.authenticator.addUser(token: "nobody-token", name: "nobody", rules: .rules([]))
        let review = Self.review(["verb": "get", "resource": "nodes"])
        #expect(await client.with(token: "nobody-token").post(Self.path, review).status == 201)
        #expect(await client.with(token: nil).post(Self.path, review).status == 401)
        #expect(await client.with(token: "nobody-token").get(Self.path).status == 405)
    }

    @Test func invalidReviewsGetKubesMessages() async {
        let neither = await client.post(Self.path, ["kind": "SelfSubjectAccessReview", "spec": [:]])
        #expect(neither.status == 422)
        #expect(
            neither.message
                == "SelfSubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.resourceAttributes: Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified")
        let both = await client.post(
            Self.path,
            ["spec": ["resourceAttributes": ["verb": "get"], "nonResourceAttributes": ["path": "/version", "verb": "get"]]])
        #expect(both.status == 422)
        #expect(both.message.contains("spec.nonResourceAttributes: Invalid value"))
        var named = Self.review(["verb": "get", "resource": "nodes"])
        named["metadata"] = ["name": "x"]
        let withMetadata = await client.post(Self.path, named)
        #expect(withMetadata.status == 422)
        #expect(withMetadata.message.contains("metadata: Invalid value"))
        #expect(withMetadata.message.hasSuffix("must be empty"))
        // What kubectl sends: a null creationTimestamp is empty metadata.
        named["metadata"] = ["creationTimestamp": .null]
        #expect(await client.post(Self.path, named).status == 201)
    }

    @Test func nonResourcePathsArePublicInfo() async {
        client.state.authenticator.addUser(token: "nobody-token", name: "nobody", rules: .rules([]))
        let answer = await client.with(token: "nobody-token").post(
            Self.path, ["spec": ["nonResourceAttributes": ["path": "/version", "verb": "get"]]])
        #expect(answer.json[path: ["status", "allowed"]] == true)
        let other = await client.with(token: "nobody-token").post(
            Self.path, ["spec": ["nonResourceAttributes": ["path": "/metrics", "verb": "get"]]])
        #expect(other.json["status"] == ["allowed": false])
    }

    @Test func versionIsPublicButARefusedCredentialGets401() async {
        let anonymous = await client.with(token: nil).get("/version")
        #expect(anonymous.status == 200)
        #expect(anonymous.json["gitVersion"] == "v1.31.0")
        #expect(await client.get("/version").status == 200)
        #expect(await client.with(token: "wrong").get("/version").status == 401)
    }
}
