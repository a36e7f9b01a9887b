#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A role's temporary credentials from STS `AssumeRole`, signed with another source's credentials: the
/// shared files' `role_arn` + `source_profile`, and `-eks-role-arn`.
struct AssumeRoleCredentials: AWSCredentialFetcher {
    let roleARN: String
    let sessionName: String
    /// Where the caller's credentials come from; cached, so a long-term key is not re-read per refresh.
    let base: AWSCredentialCache
    let sts: STSClient

    var source: String { "role \(roleARN) assumed with \(base.source)" }

    func fetch() async throws(ProviderError) -> AWSCredentials {
        let caller = try await base.credentials()
        return try await sts.assumeRole(roleARN: roleARN, sessionName: sessionName, caller: caller, callerSource: base.source)
    }

    /// `barrelman-<unix seconds>`: names the session in CloudTrail.
    static func defaultSessionName(now: Date = Date()) -> String {
        "barrelman-\(Int(now.timeIntervalSince1970))"
    }
}
