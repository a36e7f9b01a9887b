#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An AWS access key pair, with a session token and expiry when temporary. Descriptions show only the key ID.
public struct AWSCredentials: Sendable, CustomStringConvertible, CustomReflectable {
    public var accessKeyID: String
    /// Secret.
    var secretAccessKey: String
    /// Secret; set for temporary credentials (STS, Pod Identity).
    var sessionToken: String?
    /// When temporary credentials stop working; nil for long-term keys.
    public var expiration: Date?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    public var description: String {
        "AWSCredentials(\(accessKeyID), <redacted>\(expiration.map { ", expires \($0)" } ?? ""))"
    }

    public var customMirror: Mirror { Mirror(self, children: ["redacted": description]) }
}

/// One place AWS credentials can come from (environment, web identity, shared files, Pod Identity, a role).
protocol AWSCredentialFetcher: Sendable {
    /// For messages: e.g. `environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY`.
    var source: String { get }
    /// Fresh credentials; one line of cause and fix on failure, without secrets.
    func fetch() async throws(ProviderError) -> AWSCredentials
}
