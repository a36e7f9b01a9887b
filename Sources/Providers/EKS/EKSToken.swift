#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The bearer token EKS accepts, as aws-iam-authenticator and `aws eks get-token` make it: `k8s-aws-v1.` and
/// the base64url (unpadded) of an STS `GetCallerIdentity` URL presigned with the `x-k8s-aws-id` header naming
/// the cluster. EKS replays the URL to STS to learn who signed it.
enum EKSToken {
    static let prefix = "k8s-aws-v1."
    static let clusterHeader = "x-k8s-aws-id"
    /// `X-Amz-Expires` of the URL, as the tools set it (EKS applies its own limit).
    static let urlExpires = 60
    /// EKS accepts a token for 15 minutes from its `X-Amz-Date`.
    static let lifetime: Duration = .seconds(900)

    /// The presigned `GetCallerIdentity` URL for `clusterName`.
    static func presignedURL(
        clusterName: String, sts: AWSEndpoint, region: String, credentials: AWSCredentials, date: Date
    ) -> String {
        let request = sts.request(
            method: "GET", path: "/", query: [("Action", "GetCallerIdentity"), ("Version", STSClient.version)],
            headers: [(clusterHeader, clusterName)])
        let signed = SigV4Signer(region: region, service: "sts").presignedQuery(
            request, credentials: credentials, date: date, expires: urlExpires)
        return sts.url(path: "/", query: signed.query)
    }

    /// `k8s-aws-v1.<base64url(url)>`.
    static func token(presignedURL: String) -> String {
        prefix + Base64URL.encode(Array(presignedURL.utf8))
    }

    /// When a token made at `date` should be replaced: after two thirds of its lifetime (10 of 15 minutes), and
    /// before the credentials that signed it are refreshed.
    static func refreshTime(madeAt date: Date, lifetime: Duration, credentialsRefresh: Date?) -> Date {
        let seconds = Double(lifetime.components.seconds) + Double(lifetime.components.attoseconds) / 1e18
        let own = date.addingTimeInterval(seconds * 2 / 3)
        return credentialsRefresh.map { min(own, $0) } ?? own
    }
}
