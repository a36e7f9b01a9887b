import Foundation
import KubeAPI
import TestAPIServer
import TestSupport
import Testing
@testable import Providers

/// The fakes refuse what AWS and EKS refuse, so the provider's passing tests mean something.
@Suite struct AWSFakesTests {
    @Test func clusterAcceptsOnlyTokensSTSVerifiesForItsName() async throws {
        try await EKSHarness.with { harness in
            let sts = try AWSEndpoint(harness.aws.stsURL, flag: "-sts-endpoint")
            func status(clusterName: String, secret: String) async throws -> Int {
                let credentials = AWSCredentials(accessKeyID: EKSHarness.accessKeyID, secretAccessKey: secret)
                let url = EKSToken.presignedURL(
                    clusterName: clusterName, sts: sts, region: AWSCloudFake.region, credentials: credentials, date: Date())
                let response = try await harness.transport.send(
                    HTTPRequest(
                        method: "GET", url: "https://127.0.0.1:\(harness.server.port)/api",
                        headers: [("Authorization", "Bearer \(EKSToken.token(presignedURL: url))")],
                        tls: TLSSettings(caPEM: harness.server.certificateAuthorityPEM)))
                return response.status
            }
            #expect(try await status(clusterName: "remote", secret: EKSHarness.secretAccessKey) == 200)
            #expect(try await status(clusterName: "remote", secret: "wrong-secret") == 401)
            #expect(try await status(clusterName: "other-cluster", secret: EKSHarness.secretAccessKey) == 401)
            #expect(harness.aws.tokenRejections.allSatisfy { $0.contains("does not match") })
            #expect(harness.aws.tokenRejections.count == 2)
        }
    }

    @Test func stsAnswersAPresignedGetCallerIdentityOnlyWithTheSignedHeader() async throws {
        try await EKSHarness.with { harness in
            let sts = try AWSEndpoint(harness.aws.stsURL, flag: "-sts-endpoint")
            let credentials = AWSCredentials(accessKeyID: EKSHarness.accessKeyID, secretAccessKey: EKSHarness.secretAccessKey)
            let url = EKSToken.presignedURL(
                clusterName: "remote", sts: sts, region: AWSCloudFake.region, credentials: credentials, date: Date())
            let client = STSClient(
                endpoint: sts, region: AWSCloudFake.region,
                http: GoogleHTTP(environment: ProviderEnvironment(variables: harness.aws.environmentVariables(), transport: harness.transport)))
            #expect(await client.callerARN(presignedURL: url, clusterName: "remote") == harness.userARN)
            #expect(await client.callerARN(presignedURL: url, clusterName: "other") == nil)
        }
    }
}
