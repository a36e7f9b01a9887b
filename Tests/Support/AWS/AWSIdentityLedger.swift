import Foundation
import Synchronization

/// Every AWS access key the fakes know: long-term keys added by tests and temporary ones STS and the Pod
/// Identity agent issued, with the principal each belongs to. The fakes verify signatures against it.
public final class AWSIdentityLedger: Sendable {
    public static let account = "111122223333"

    /// One access key.
    public struct Key: Sendable {
        public var secret: String
        public var sessionToken: String?
        /// `arn:aws:iam::A:user/N`, or `arn:aws:sts::A:assumed-role/R/S` for issued keys.
        public var arn: String
        public var expiresAt: Date?
    }

    /// Temporary credentials as issued.
    public struct Issued: Sendable {
        public var accessKeyID: String
        public var secret: String
        public var sessionToken: String
        public var expiration: Date
    }

    private struct State {
        var keys: [String: Key] = [:]
        var issued: [String] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Registers a long-term key of IAM user `name`; returns its ARN.
    @discardableResult
    public func addUser(name: String, accessKeyID: String, secret: String) -> String {
        let arn = "arn:aws:iam::\(Self.account):user/\(name)"
        state.withLock { $0.keys[accessKeyID] = Key(secret: secret, arn: arn) }
        return arn
    }

    /// New temporary credentials for a session of `roleARN`, valid for `lifetime`.
    public func issueSession(roleARN: String, sessionName: String, lifetime: Duration) -> Issued {
        let roleName = roleARN.split(separator: "/").last.map(String.init) ?? roleARN
        let arn = "arn:aws:sts::\(Self.account):assumed-role/\(roleName)/\(sessionName)"
        let keyID = "ASIA" + Self.random(16).uppercased()
        let issued = Issued(
            accessKeyID: keyID, secret: Self.random(40), sessionToken: "FwoGZXIvYXdzE" + Self.random(60),
            expiration: Date().addingTimeInterval(Double(lifetime.components.seconds)))
        state.withLock {
            $0.keys[keyID] = Key(secret: issued.secret, sessionToken: issued.sessionToken, arn: arn, expiresAt: issued.expiration)
            $0.issued.append(keyID)
        }
        return issued
    }

    /// The key, if known (expired ones included: callers check).
    public func key(_ accessKeyID: String) -> Key? {
        state.withLock { $0.keys[accessKeyID] }
    }

    /// Temporary keys issued so far.
    public var issuedCount: Int { state.withLock { $0.issued.count } }

    private static func random(_ count: Int) -> String {
        var text = ""
        while text.count < count { text += UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "") }
        return String(text.prefix(count))
    }
}
