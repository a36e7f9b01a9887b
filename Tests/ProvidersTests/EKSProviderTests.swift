import Foundation
import KubeAPI
import TestAPIServer
import TestSupport
import Testing
@testable import Providers

/// The eks provider end to end against the AWS fakes: each credential source, DescribeCluster, and tokens the
/// cluster verifies through STS.
@Suite struct EKSProviderTests {
    @Test func staticKeysToDescribeClusterToTokenToCluster() async throws {
        try await EKSHarness.with { harness in
            let provider = try harness.provider()
            #expect(provider.name == "eks")
            #expect(provider.displayName == "eks_eu-west-1_remote")
            let config = try await provider.resolve()
            #expect(config.server == "https://127.0.0.1:\(harness.server.port)")
            #expect(config.tls.caPEM == harness.server.certificateAuthorityPEM)
            #expect(config.displayName == "eks_eu-west-1_remote")
            #expect(try await harness.client(config).namespaceNames().contains("remote-ns"))
            #expect(harness.aws.eksAPI.callers == [harness.userARN])
            // One token served the startup check and the request.
            #expect(harness.aws.acceptedTokens == 1)
            #expect(harness.aws.tokenRejections.isEmpty)
        }
    }

    @Test func eksClusterNameAloneSelectsTheProviderAndAWSRegionGivesTheRegion() async throws {
        try await EKSHarness.with { harness in
            var flags = harness.flags()
            flags.remoteProvider = nil
            flags.eksRegion = nil
            let provider = try harness.provider(flags, variables: EKSHarness.staticKeys.merging(["AWS_REGION": "eu-west-1"]) { $1 })
            #expect(provider.region == "eu-west-1")
            #expect(try await harness.client(provider.resolve()).namespaceNames().contains("remote-ns"))
        }
    }

    @Test func webIdentityTokenFileIsReadAgainOnEveryRefresh() async throws {
        try await EKSHarness.with { harness in
            let role = EKSHarness.roleARN("barrelman-irsa")
            harness.aws.mapPrincipal(role)
            harness.aws.sts.acceptWebIdentity(token: "irsa-token-1", roleARN: role)
            harness.aws.sts.acceptWebIdentity(token: "irsa-token-2", roleARN: role)
            harness.aws.sts.setSessionLifetime(.seconds(4))
            let tokenFile = try harness.aws.writeFile("irsa-token", "irsa-token-1\n")
            let provider = try harness.provider(
                variables: ["AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": role, "AWS_ROLE_SESSION_NAME": "bm"])
            let client = harness.client(try await provider.resolve())
            #expect(try await client.namespaceNames().contains("remote-ns"))
            #expect(harness.aws.eksAPI.callers == ["arn:aws:sts::111122223333:assumed-role/barrelman-irsa/bm"])

            // The kubelet rotates the projected token; the 4-second session is refreshed before it expires.
            try harness.aws.writeFile("irsa-token", "irsa-token-2\n")
            try await Task.sleep(for: .seconds(3))
            #expect(try await client.namespaceNames().contains("remote-ns"))
            #expect(harness.aws.sts.webIdentityTokensSeen.first == "irsa-token-1")
            #expect(harness.aws.sts.webIdentityTokensSeen.last == "irsa-token-2")
        }
    }

    @Test func sharedProfileAssumesItsRoleWithTheSourceProfile() async throws {
        try await EKSHarness.with { harness in
            let role = EKSHarness.roleARN("barrelman-ops")
            harness.aws.sts.trust(roleARN: role, caller: harness.userARN)
            harness.aws.mapPrincipal(role)
            let credentials = try harness.aws.writeFile(
                "credentials",
                "# keys\n[base]\naws_access_key_id = \(EKSHarness.accessKeyID)\naws_secret_access_key = \(EKSHarness.secretAccessKey)\n")
            let config = try harness.aws.writeFile(
                "config",
                "[default]\nregion = us-east-1\n\n[profile ops]\nrole_arn = \(role)\nsource_profile = base\nrole_session_name = ops\ns3 =\n  max_concurrent_requests = 20\n")
            let provider = try harness.provider(
                variables: ["AWS_PROFILE": "ops", "AWS_SHARED_CREDENTIALS_FILE": credentials, "AWS_CONFIG_FILE": config])
            #expect(try await harness.client(provider.resolve()).namespaceNames().contains("remote-ns"))
            #expect(harness.aws.sts.calls.contains("AssumeRole"))
            #expect(harness.aws.eksAPI.callers == ["arn:aws:sts::111122223333:assumed-role/barrelman-ops/ops"])
        }
    }

    @Test func defaultProfileKeysInHomeAreFound() async throws {
        try await EKSHarness.with { harness in
            try FileManager.default.createDirectory(
                atPath: harness.aws.temporaryDirectory + "/.aws", withIntermediateDirectories: true)
            try harness.aws.writeFile(
                ".aws/credentials",
                "[default]\naws_access_key_id=\(EKSHarness.accessKeyID)\naws_secret_access_key=\(EKSHarness.secretAccessKey)\n")
            let provider = try harness.provider(variables: [:])
            #expect(try await harness.client(provider.resolve()).namespaceNames().contains("remote-ns"))
            #expect(harness.aws.eksAPI.callers == [harness.userARN])
        }
    }

    @Test func podIdentityAgentWithItsTokenFile() async throws {
        try await EKSHarness.with { harness in
            harness.aws.mapPrincipal(harness.aws.podIdentityAgent.roleARN)
            let tokenFile = try harness.aws.writeFile("eks-pod-identity-token", "pod-identity-token-1\n")
            let provider = try harness.provider(
                variables: [
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI": harness.aws.podIdentityURL,
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile,
                ])
            #expect(try await harness.client(provider.resolve()).namespaceNames().contains("remote-ns"))
            #expect(harness.aws.podIdentityAgent.tokensSeen == ["pod-identity-token-1"])
            #expect(
                harness.aws.eksAPI.callers == ["arn:aws:sts::111122223333:assumed-role/barrelman-pod-identity/eks-pod-identity"])
        }
    }

    @Test func eksRoleARNIsAssumedWithTheCredentialsFound() async throws {
        try await EKSHarness.with { harness in
            let role = EKSHarness.roleARN("barrelman-reader")
            harness.aws.sts.trust(roleARN: role, caller: harness.userARN)
            harness.aws.mapPrincipal(role)
            let provider = try harness.provider(harness.flags(roleARN: role))
            #expect(try await harness.client(provider.resolve()).namespaceNames().contains("remote-ns"))
            #expect(harness.aws.eksAPI.callers.first?.hasPrefix("arn:aws:sts::111122223333:assumed-role/barrelman-reader/barrelman-") == true)
        }
    }

    @Test func sourcesAreTriedInTheSDKsOrder() async throws {
        try await EKSHarness.with { harness in
            let role = EKSHarness.roleARN("barrelman-irsa")
            harness.aws.sts.acceptWebIdentity(token: "irsa", roleARN: role)
            let tokenFile = try harness.aws.writeFile("irsa", "irsa")
            let profileFile = try harness.aws.writeFile(
                "credentials", "[default]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = other\n")
            let webIdentity = ["AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": role]
            let files = ["AWS_SHARED_CREDENTIALS_FILE": profileFile]
            let podIdentity = ["AWS_CONTAINER_CREDENTIALS_FULL_URI": harness.aws.podIdentityURL]
            func source(_ variables: [String: String]) throws -> String {
                try harness.provider(variables: variables).credentials.source
            }
            let everything = EKSHarness.staticKeys.merging(webIdentity) { $1 }.merging(files) { $1 }.merging(podIdentity) { $1 }
            #expect(try source(everything) == "environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY")
            #expect(try source(webIdentity.merging(files) { $1 }.merging(podIdentity) { $1 }) == "web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN)")
            #expect(try source(files.merging(podIdentity) { $1 }).hasPrefix("AWS profile \"default\""))
            #expect(try source(podIdentity) == "EKS Pod Identity agent \(harness.aws.podIdentityURL)")
        }
    }

    @Test func expiredTokenIsReplacedAheadOfExpiry() async throws {
        try await EKSHarness.with(tokenLifetime: .seconds(3)) { harness in
            let client = harness.client(try await harness.provider().resolve())
            #expect(try await client.namespaceNames().contains("remote-ns"))
            try await Task.sleep(for: .seconds(4))
            #expect(try await client.namespaceNames().contains("remote-ns"))
            // Replaced after two of its three seconds; a loaded machine may still see one 401 and its retry.
            #expect(harness.aws.acceptedTokens >= 2)
            #expect(harness.aws.tokenRejections.count <= 1)
        }
    }

    @Test func unauthorizedTriggersExactlyOneRefresh() async throws {
        try await EKSHarness.with { harness in
            let client = harness.client(try await harness.provider().resolve())
            #expect(try await client.namespaceNames().contains("remote-ns"))
            // Tokens carry their signing second: wait for the next one, then revoke the current token.
            try await Task.sleep(for: .milliseconds(1100))
            harness.aws.refuseTokensSigned(before: Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
            #expect(try await client.namespaceNames().contains("remote-ns"))
            #expect(harness.aws.tokenRejections == ["token revoked"])
            #expect(harness.aws.acceptedTokens == 2)
            #expect(try await client.namespaceNames().contains("remote-ns"))
            #expect(harness.aws.acceptedTokens == 2)
        }
    }

    @Test func concurrentCallersShareOneTokenAndOneCredentialFetch() async throws {
        try await EKSHarness.with { harness in
            let role = EKSHarness.roleARN("barrelman-irsa")
            harness.aws.sts.acceptWebIdentity(token: "irsa", roleARN: role)
            let tokenFile = try harness.aws.writeFile("irsa", "irsa")
            let source = try harness.provider(variables: ["AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": role])
                .tokenSource
            let tokens = await withTaskGroup(of: String?.self) { group in
                for _ in 0..<16 { group.addTask { try? await source.credential().bearerToken } }
                var collected: [String?] = []
                for await token in group { collected.append(token) }
                return collected
            }
            #expect(tokens.allSatisfy { $0?.hasPrefix("k8s-aws-v1.") == true })
            #expect(Set(tokens).count == 1)
            #expect(harness.aws.sts.webIdentityTokensSeen.count == 1)
        }
    }

    @Test func tokensAndSecretsAreNeverLogged() async throws {
        try await EKSHarness.with { harness in
            let capture = LogCapture()
            let provider = try harness.provider(logger: capture.logger())
            let config = try await provider.resolve()
            let token = try #require(try await config.credentials.credential().bearerToken)
            #expect(!capture.all.isEmpty, "the provider logs at debug level")
            for line in capture.all {
                #expect(!line.contains(token))
                #expect(!line.contains(EKSHarness.secretAccessKey))
                #expect(!line.contains("X-Amz-Signature"))
            }
        }
    }
}
