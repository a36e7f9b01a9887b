#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KubeAPI

/// IRSA: `AWS_WEB_IDENTITY_TOKEN_FILE` (a projected service-account token, re-read on every refresh because
/// the kubelet rotates it) exchanged with STS `AssumeRoleWithWebIdentity` for `AWS_ROLE_ARN`.
struct WebIdentityCredentials: AWSCredentialFetcher {
    static let sourceName = "web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN)"
    let tokenFile: String
    let roleARN: String
    let sessionName: String
    let sts: STSClient

    /// nil when `AWS_WEB_IDENTITY_TOKEN_FILE` is unset; an error when `AWS_ROLE_ARN` is missing.
    init?(environment: ProviderEnvironment, sts: STSClient) throws(ProviderError) {
        guard let tokenFile = environment.variable("AWS_WEB_IDENTITY_TOKEN_FILE") else { return nil }
        guard let roleARN = environment.variable("AWS_ROLE_ARN") else {
            throw ProviderError(
                "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not: set the role to assume "
                    + "(the eks.amazonaws.com/role-arn annotation on the service account sets both)")
        }
        self.tokenFile = tokenFile
        self.roleARN = roleARN
        self.sessionName = environment.variable("AWS_ROLE_SESSION_NAME") ?? AssumeRoleCredentials.defaultSessionName()
        self.sts = sts
    }

    var source: String { Self.sourceName }

    func fetch() async throws(ProviderError) -> AWSCredentials {
        guard let data = FileManager.default.contents(atPath: tokenFile) else {
            throw ProviderError(
                "AWS_WEB_IDENTITY_TOKEN_FILE \(tokenFile): cannot be read (is the projected service-account token "
                    + "volume mounted?)")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingWhitespace()
        guard !token.isEmpty else {
            throw ProviderError("AWS_WEB_IDENTITY_TOKEN_FILE \(tokenFile): is empty (is the token volume mounted?)")
        }
        return try await sts.assumeRoleWithWebIdentity(
            roleARN: roleARN, sessionName: sessionName, webIdentityToken: token, tokenFile: tokenFile)
    }
}
