import Foundation
import Testing
import TestAPIServer

@Suite("Authentication and authorization")
struct AuthTests {
    let client = TestClient()

    @Test func missingOrUnknownCredentialsAreUnauthorized() async {
        for token in [nil, "wrong"] as [String?] {
            let reply = await client.with(token: token).get("/api/v1/namespaces/default/services")
            #expect(reply.status == 401)
            #expect(reply.json == [
                "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure", "message": "Unauthorized",
                "reason": "Unauthorized", "code": 401,
            ])
        }
        #expect(await client.with(token: nil).get("/healthz").status == 200)
    }

    @Test func rulesLimitWhatAUserMayDoWithKubesMessages() async {
        client.state.authenticator.addUser(
            token: "bob-token", name: "bob",
            rules: .rules([AccessRule(verbs: ["list", "watch"], resources: ["services"], namespaces: ["ns1"])]))
        let bob = client.with(token: "bob-token")
        #expect(await bob.get("/api/v1/namespaces/ns1/services").status == 200)
        let get = await bob.get("/api/v1/namespaces/ns1/services/foo")
        #expect(get.status == 403)
        #expect(get.reason == "Forbidden")
        #expect(
            get.message
                == "services \"foo\" is forbidden: User \"bob\" cannot get resource \"services\" in API group \"\" in the namespace \"ns1\"")
        #expect(get.json["details"] == ["name": "foo", "kind": "services"])
        let clusterWide = await bob.get("/api/v1/services")
        #expect(
            clusterWide.message
                == "services is forbidden: User \"bob\" cannot list resource \"services\" in API group \"\" at the cluster scope")
        let status = await bob.call("PUT", "/api/v1/nodes/n1/status", body: ["metadata": ["name": "n1"]])
        #expect(
            status.message
                == "nodes \"n1\" is forbidden: User \"bob\" cannot update resource \"nodes/status\" in API group \"\" at the cluster scope")
        let lease = await bob.get("/apis/coordination.k8s.io/v1/namespaces/ns1/leases")
        #expect(
            lease.message
                == "leases.coordination.k8s.io is forbidden: User \"bob\" cannot list resource \"leases\" in API group \"coordination.k8s.io\" in the namespace \"ns1\"")
    }

    @Test func clientCertificatesAuthenticateByCommonName() async {
        let subject = ClientCertificateSubject(commonName: "carol", organizations: ["dev"])
        let allowed = await client.with(token: nil).call("GET", "/api/v1/nodes", clientCertificate: subject)
        #expect(allowed.status == 200)
        client.state.authenticator.setCertificateRules(commonName: "carol", rules: .rules([]))
        let denied = await client.with(token: nil).call("GET", "/api/v1/nodes", clientCertificate: subject)
        #expect(denied.status == 403)
        #expect(denied.message.contains("User \"carol\" cannot list resource \"nodes\""))
    }

    @Test func basicAuthWorksForAConfiguredUser() async {
        client.state.authenticator.addBasicUser(name: "dave", password: "s3cret")
        let good = Data("dave:s3cret".utf8).base64EncodedString()
        let bad = Data("dave:wrong".utf8).base64EncodedString()
        let anonymous = client.with(token: nil)
        #expect(await anonymous.call("GET", "/api/v1/nodes", headers: [("Authorization", "Basic \(good)")]).status == 200)
        #expect(await anonymous.call("GET", "/api/v1/nodes", headers: [("Authorization", "Basic \(bad)")]).status == 401)
    }
}
