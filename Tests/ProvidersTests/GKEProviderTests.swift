import Foundation
import KubeAPI
import TestAPIServer
import TestSupport
import Testing
@testable import Providers

@Suite struct GKEProviderTests {
    @Test func keyToJWTToTokenToContainerAPIToCluster() async throws {
        try await GKEHarness.with { harness in
            let provider = try harness.provider()
            #expect(provider.name == "gke")
            #expect(provider.displayName == "gke_test-project_europe-west1-c_remote")
            let config = try await provider.resolve()
            #expect(config.server == "https://127.0.0.1:\(harness.server.port)")
            #expect(config.tls.caPEM == harness.server.certificateAuthorityPEM)
            #expect(config.displayName == "gke_test-project_europe-west1-c_remote")
            #expect(try await harness.client(config).namespaceNames().contains("remote-ns"))
            // One token served the Container API and the cluster.
            #expect(harness.google.ledger.issuedCount == 1)
            #expect(harness.google.tokenEndpoint.rejections.isEmpty)
        }
    }

    @Test func googleApplicationCredentialsIsUsedWithoutTheFlag() async throws {
        try await GKEHarness.with { harness in
            let provider = try harness.provider(
                harness.flags(useKey: false), variables: ["GOOGLE_APPLICATION_CREDENTIALS": harness.keyPath])
            let config = try await provider.resolve()
            #expect(try await harness.client(config).namespaceNames().contains("remote-ns"))
            #expect(harness.google.metadataServer.requestsWithoutFlavor == 0)
            #expect(harness.google.ledger.issuedCount == 1)
        }
    }

    @Test func jwtCarriesTheClaimsGoogleExpects() throws {
        let fixture = try ServiceAccountKeyFixture.generate(tokenURI: "https://oauth2.googleapis.com/token")
        let key = try ServiceAccountKey.parse(Array(fixture.json().utf8), origin: "key")
        let jwt = try ServiceAccountJWT.make(key: key, issuedAt: Date(timeIntervalSince1970: 1_700_000_000))
        let parts = jwt.split(separator: ".")
        #expect(parts.count == 3)
        #expect(!jwt.contains("=") && !jwt.contains("+") && !jwt.contains("/"))
        func object(_ part: Substring) throws -> [String: Any] {
            var base64 = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while base64.count % 4 != 0 { base64 += "=" }
            let data = try #require(Data(base64Encoded: base64))
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }
        let header = try object(parts[0])
        #expect(header["alg"] as? String == "RS256")
        #expect(header["typ"] as? String == "JWT")
        #expect(header["kid"] as? String == fixture.privateKeyID)
        let claims = try object(parts[1])
        #expect(claims["iss"] as? String == fixture.clientEmail)
        #expect(claims["sub"] as? String == fixture.clientEmail)
        #expect(claims["aud"] as? String == "https://oauth2.googleapis.com/token")
        #expect(claims["scope"] as? String == "https://www.googleapis.com/auth/cloud-platform")
        #expect((claims["iat"] as? NSNumber)?.int64Value == 1_700_000_000)
        #expect((claims["exp"] as? NSNumber)?.int64Value == 1_700_003_600)
    }

    @Test func expiredTokenIsReplacedMidRun() async throws {
        try await GKEHarness.with { harness in
            harness.google.tokenEndpoint.setExpiresIn(2)
            let config = try await harness.provider().resolve()
            let client = harness.client(config)
            #expect(try await client.namespaceNames().contains("remote-ns"))
            let first = try #require(harness.google.ledger.issuedTokens.first)

            // Wait until the cluster refuses the first token.
            let stale = KubeClient(config: harness.server.config(token: first), transport: harness.transport)
            let refused = try await eventually(timeout: .seconds(15), interval: .milliseconds(100)) {
                do {
                    _ = try await stale.list(Namespace.self)
                    return false
                } catch {
                    if let error = error as? KubeError, case .unauthorized = error { return true }
                    return false
                }
            }
            #expect(refused)
            #expect(try await client.namespaceNames().contains("remote-ns"))
            // At least one refresh; a slow machine may cross a second refresh point of a 2-second token.
            #expect(harness.google.ledger.issuedCount >= 2)
        }
    }

    @Test func unauthorizedTriggersExactlyOneRefresh() async throws {
        try await GKEHarness.with { harness in
            let config = try await harness.provider().resolve()
            let client = harness.client(config)
            #expect(try await client.namespaceNames().contains("remote-ns"))
            let first = try #require(harness.google.ledger.issuedTokens.first)
            harness.server.state.authenticator.removeToken(first)  // revoked before its expiry

            #expect(try await client.namespaceNames().contains("remote-ns"))
            #expect(harness.google.ledger.issuedCount == 2)
            #expect(try await client.namespaceNames().contains("remote-ns"))
            #expect(harness.google.ledger.issuedCount == 2)
        }
    }

    @Test func concurrentCallersShareOneRefresh() async throws {
        try await GKEHarness.with { harness in
            let provider = try #require(try harness.provider() as? GKEProvider)
            let source = provider.tokenSource
            let tokens = await withTaskGroup(of: String?.self) { group in
                for _ in 0..<16 { group.addTask { try? await source.accessToken() } }
                var collected: [String?] = []
                for await token in group { collected.append(token) }
                return collected
            }
            #expect(Set(tokens).count == 1)
            #expect(tokens.allSatisfy { $0 != nil })
            #expect(harness.google.ledger.issuedCount == 1)
            await source.invalidate()
            _ = try await source.accessToken()
            #expect(harness.google.ledger.issuedCount == 2)
        }
    }

    @Test func metadataServerWithoutKeyFile() async throws {
        try await GKEHarness.with { harness in
            let account = "123456789-compute@developer.gserviceaccount.com"
            harness.google.metadataServer.setServiceAccount(account)
            let provider = try harness.provider(harness.flags(useKey: false))
            let config = try await provider.resolve()
            #expect(try await harness.client(config).namespaceNames().contains("remote-ns"))
            #expect(harness.google.ledger.issuedCount == 1)
            #expect(harness.google.metadataServer.requestsWithoutFlavor == 0)
            #expect(harness.google.tokenEndpoint.rejections.isEmpty)
        }
    }

    @Test func metadataServerFakeInsistsOnTheFlavorHeader() async throws {
        try await GoogleCloudFake.with { google in
            let transport = HTTPTransport()
            defer { transport.shutdown() }
            let response = try await transport.send(
                HTTPRequest(method: "GET", url: "http://\(google.metadataHost)\(MetadataServerFake.tokenPath)"))
            #expect(response.status == 403)
            #expect(google.metadataServer.requestsWithoutFlavor == 1)
            #expect(google.ledger.issuedCount == 0)
        }
    }

    @Test func privateEndpointFlag() async throws {
        try await GKEHarness.with { harness in
            // The public endpoint is a closed loopback port: only the private one works.
            harness.google.addCluster(
                name: "private", server: harness.server, privateEndpoint: "127.0.0.1:\(harness.server.port)",
                publicEndpoint: "127.0.0.1:1")
            let privateConfig = try await harness.provider(harness.flags(clusterName: "private", privateEndpoint: true))
                .resolve()
            #expect(privateConfig.server == "https://127.0.0.1:\(harness.server.port)")
            #expect(try await harness.client(privateConfig).namespaceNames().contains("remote-ns"))

            let publicConfig = try await harness.provider(harness.flags(clusterName: "private")).resolve()
            #expect(publicConfig.server == "https://127.0.0.1:1")

            let message = await providerErrorMessage {
                try await harness.provider(harness.flags(privateEndpoint: true)).resolve()
            }
            #expect(
                message
                    == "GKE cluster projects/test-project/locations/europe-west1-c/clusters/remote has no private endpoint "
                    + "(it is not a private cluster; drop -gke-use-private-endpoint)")
        }
    }
}
