import Foundation
import KubeAPI
import Providers
import TestAPIServer
import TestSupport
import Testing

@Suite struct GKEErrorTests {
    static let keyAdvice = "set GOOGLE_APPLICATION_CREDENTIALS or -remote-credentials to a service-account key file"

    /// Every message must be one line without the private key or any issued token.
    static func expectNoSecrets(_ message: String?, _ harness: GKEHarness) {
        guard let message else { return }
        #expect(!message.contains("\n"))
        let keyBody = harness.key.privateKeyPEM.split(separator: "\n").filter { !$0.hasPrefix("-----") }
        for line in keyBody { #expect(!message.contains(line)) }
        for token in harness.google.ledger.issuedTokens { #expect(!message.contains(token)) }
    }

    @Test func missingFlags() async throws {
        let environment = ProviderEnvironment(variables: [:], transport: HTTPTransport())
        let noCluster = await providerErrorMessage {
            try ProviderRegistry.standard.makeProvider(flags: ProviderFlags(remoteProject: "p"), environment: environment)
        }
        #expect(noCluster == "the gke provider needs -remote-cluster-name (the name of the remote GKE cluster)")
        let noProject = await providerErrorMessage {
            try ProviderRegistry.standard.makeProvider(
                flags: ProviderFlags(remoteProvider: "gke", remoteClusterName: "c"), environment: environment)
        }
        #expect(noProject == "the gke provider needs -remote-project (the GCP project of the remote cluster)")
        let plainHTTP = await providerErrorMessage {
            try ProviderRegistry.standard.makeProvider(
                flags: ProviderFlags(remoteProject: "p", remoteClusterName: "c", gkeAPIEndpoint: "http://example.com"),
                environment: environment)
        }
        #expect(plainHTTP == "-gke-api-endpoint http://example.com: plain http is allowed only for loopback hosts (use https://)")
    }

    @Test func keyFileProblems() async throws {
        try await GKEHarness.with { harness in
            let directory = harness.google.temporaryDirectory
            func message(_ flags: ProviderFlags, _ variables: [String: String] = [:]) async -> String? {
                await providerErrorMessage { try harness.provider(flags, variables: variables) }
            }
            #expect(
                await message(harness.flags(credentials: "/x"))
                    == "-remote-credentials /x: file not found (\(Self.keyAdvice))")
            #expect(
                await message(harness.flags(useKey: false), ["GOOGLE_APPLICATION_CREDENTIALS": "/x"])
                    == "GOOGLE_APPLICATION_CREDENTIALS /x: file not found (\(Self.keyAdvice))")
            #expect(
                await message(harness.flags(credentials: directory))
                    == "-remote-credentials \(directory): cannot be read (check its permissions for barrelman's user)")

            let notJSON = try harness.key.json().replacingOccurrences(of: "{", with: "")
                .write(to: directory, name: "broken.json")
            let notJSONMessage = await message(harness.flags(credentials: notJSON))
            #expect(
                notJSONMessage
                    == "-remote-credentials \(notJSON): is not a JSON object (expected a service-account key file from the Google Cloud console)")
            Self.expectNoSecrets(notJSONMessage, harness)

            let userPath = try harness.key.json(type: "authorized_user").write(to: directory, name: "user.json")
            let userMessage = await message(harness.flags(credentials: userPath))
            #expect(userMessage?.hasPrefix(
                "-remote-credentials \(userPath): a \"authorized_user\" credential, not a service-account key") == true)

            let badPEM = "-----BEGIN PRIVATE KEY-----\nnot-a-key\n-----END PRIVATE KEY-----\n"
            let badPath = try harness.key.json(privateKeyPEM: badPEM).write(to: directory, name: "bad.json")
            let badMessage = await message(harness.flags(credentials: badPath))
            #expect(badMessage?.hasPrefix(
                "-remote-credentials \(badPath): private_key is not a usable RSA private key in PEM") == true)
            #expect(badMessage?.hasSuffix("download a new key") == true)
            #expect(badMessage?.contains("not-a-key") == false)
        }
    }

    @Test func tokenEndpointRefusal() async throws {
        try await GKEHarness.with { harness in
            harness.google.tokenEndpoint.refuse(description: "Invalid grant: account not found")
            let message = await providerErrorMessage { try await harness.provider().resolve() }
            #expect(
                message
                    == "token endpoint \(harness.google.tokenURL) refused key \(harness.key.privateKeyID) of "
                    + "\(harness.key.clientEmail) (HTTP 400: invalid_grant: Invalid grant: account not found); "
                    + "check that this machine's clock is right and that the key was not deleted or disabled "
                    + "(create a new key if it was)")
            Self.expectNoSecrets(message, harness)
        }
    }

    @Test func unknownKeyIsRefusedBySignatureCheck() async throws {
        try await GKEHarness.with { harness in
            // A key the token endpoint never saw: as after the key was deleted in IAM.
            let stranger = try ServiceAccountKeyFixture.generate(tokenURI: harness.google.tokenURL)
            let path = try stranger.write(to: harness.google.temporaryDirectory, name: "stranger.json")
            let message = await providerErrorMessage { try await harness.provider(harness.flags(credentials: path)).resolve() }
            #expect(message?.contains("(HTTP 400: invalid_grant: Invalid JWT Signature.)") == true)
            #expect(message?.contains("clock") == true)
            #expect(harness.google.tokenEndpoint.rejections == ["Invalid JWT Signature."])
            #expect(message?.contains(stranger.privateKeyPEM.split(separator: "\n")[1]) == false)
        }
    }

    @Test func containerAPIPermissionDenied() async throws {
        try await GKEHarness.with { harness in
            harness.google.containerAPI.deny(subject: harness.key.clientEmail)
            let message = await providerErrorMessage { try await harness.provider().resolve() }
            #expect(
                message?.hasSuffix(
                    "needs roles/container.viewer (Kubernetes Engine Viewer) for \(harness.key.clientEmail) on project test-project")
                    == true)
            #expect(message?.hasPrefix(
                "Container API denied access to projects/test-project/locations/europe-west1-c/clusters/remote (PERMISSION_DENIED: ") == true)
            Self.expectNoSecrets(message, harness)
        }
    }

    @Test func clusterNotFound() async throws {
        try await GKEHarness.with { harness in
            let message = await providerErrorMessage { try await harness.provider(harness.flags(clusterName: "missing")).resolve() }
            #expect(message?.hasPrefix(
                "GKE cluster \"missing\" not found in project \"test-project\", location \"europe-west1-c\"") == true)
            #expect(message?.hasSuffix("(check -remote-project, -remote-zone and -remote-cluster-name)") == true)
            Self.expectNoSecrets(message, harness)
        }
    }

    @Test func credentialErrorsReachTheClientWithoutSecrets() async throws {
        try await GKEHarness.with { harness in
            let config = try await harness.provider().resolve()
            let client = harness.client(config)
            #expect(try await client.namespaceNames().contains("remote-ns"))
            harness.server.state.authenticator.removeToken(harness.google.ledger.issuedTokens[0])
            harness.google.tokenEndpoint.refuse(description: "Invalid JWT Signature.")
            do {
                _ = try await client.namespaceNames()
                Issue.record("expected the refresh to fail")
            } catch {
                let text = "\(error)"
                #expect(text.contains("invalid_grant"))
                Self.expectNoSecrets(text, harness)
            }
        }
    }
}

extension String {
    /// Writes the text to `directory/name` and returns the path.
    func write(to directory: String, name: String) throws -> String {
        let path = (directory as NSString).appendingPathComponent(name)
        try write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
