#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KubeAPI
import Logging

/// The EKS token shared by every request to the cluster: made from the current AWS credentials, replaced
/// ahead of expiry and after `invalidate()` (the KubeClient calls it on a 401). Never logged.
public actor EKSTokenSource: CredentialSource {
    public nonisolated let clusterName: String
    nonisolated let region: String
    nonisolated let sts: AWSEndpoint
    nonisolated let credentials: AWSCredentialCache
    nonisolated let lifetime: Duration
    private let logger: Logger
    private var cached: (token: String, url: String, refreshAt: Date)?
    private var lastCredentialsReset: Date?

    init(
        clusterName: String, region: String, sts: AWSEndpoint, credentials: AWSCredentialCache, lifetime: Duration,
        logger: Logger
    ) {
        self.clusterName = clusterName
        self.region = region
        self.sts = sts
        self.credentials = credentials
        self.lifetime = lifetime
        self.logger = logger
    }

    /// The current token and the presigned URL inside it.
    func current() async throws(ProviderError) -> (token: String, url: String) {
        let now = Date()
        if let cached, now < cached.refreshAt { return (cached.token, cached.url) }
        let signing = try await credentials.credentials()
        // Another caller may have made one while this one waited for the credentials.
        if let cached, Date() < cached.refreshAt { return (cached.token, cached.url) }
        let url = EKSToken.presignedURL(
            clusterName: clusterName, sts: sts, region: region, credentials: signing, date: now)
        let token = EKSToken.token(presignedURL: url)
        let credentialsRefresh = signing.expiration.map { AWSCredentialCache.refreshTime(expiration: $0, fetchedAt: now) }
        // X-Amz-Date has whole seconds: the cluster counts the token's age from the second it was signed in.
        let signedAt = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let refreshAt = EKSToken.refreshTime(madeAt: signedAt, lifetime: lifetime, credentialsRefresh: credentialsRefresh)
        cached = (token, url, refreshAt)
        logger.debug(
            "made an EKS token", metadata: ["cluster": "\(clusterName)", "credentials": "\(credentials.source)"])
        return (token, url)
    }

    public func credential() async throws(ConfigError) -> Credential {
        do {
            return Credential(bearerToken: try await current().token)
        } catch {
            throw ConfigError(error.message)
        }
    }

    /// Drops the token: the next request signs a new one. A 401 may also mean the session behind it was
    /// revoked, so the credentials are fetched again too, at most once a minute (an unmapped principal gets
    /// 401s on every retry, and each must not cost an STS call).
    public func invalidate() async {
        cached = nil
        let now = Date()
        if lastCredentialsReset.map({ now.timeIntervalSince($0) >= 60 }) ?? true {
            lastCredentialsReset = now
            await credentials.invalidate()
        }
    }
}
