#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// An authenticated caller.
public struct AuthenticatedUser: Sendable, Equatable {
    public var name: String
    public var groups: [String]
    public var rules: AccessRules
}

/// Maps credentials (bearer tokens, client certificates, basic auth) to users and their access rules.
public final class Authenticator: Sendable {
    private struct Registry {
        var tokens: [String: AuthenticatedUser] = [:]
        /// When a token stops working, for tokens registered with an expiry (as a real issuer's would).
        var tokenExpiry: [String: Date] = [:]
        var passwords: [String: (password: String, user: AuthenticatedUser)] = [:]
        /// Rules by user name for certificate users; certificates whose CN has no entry get full access.
        var certificateRules: [String: AccessRules] = [:]
        var acceptsClientCertificates = true
        /// Asked about bearer tokens no static entry knows (a webhook token authenticator, as EKS has).
        var tokenReviewer: TokenReviewer?
    }

    /// The user name for a bearer token, or nil to refuse it (a 401). Such users get full access.
    public typealias TokenReviewer = @Sendable (_ token: String) -> String?

    private let registry = Mutex(Registry())

    public init() {}

    /// Accepts `Authorization: Bearer <token>` as user `name`; from `expiresAt` on (wall clock), answers 401.
    public func addUser(
        token: String, name: String, groups: [String] = [], rules: AccessRules = .all, expiresAt: Date? = nil
    ) {
        registry.withLock {
            $0.tokens[token] = AuthenticatedUser(name: name, groups: groups, rules: rules)
            $0.tokenExpiry[token] = expiresAt
        }
    }

    /// Stops accepting a token.
    public func removeToken(_ token: String) {
        registry.withLock {
            _ = $0.tokens.removeValue(forKey: token)
            _ = $0.tokenExpiry.removeValue(forKey: token)
        }
    }

    /// Asks `reviewer` about bearer tokens that no `addUser` entry knows; nil removes it.
    public func setTokenReviewer(_ reviewer: TokenReviewer?) {
        registry.withLock { $0.tokenReviewer = reviewer }
    }

    /// Accepts HTTP basic auth for `name` with `password`.
    public func addBasicUser(name: String, password: String, rules: AccessRules = .all) {
        registry.withLock {
            $0.passwords[name] = (password, AuthenticatedUser(name: name, groups: [], rules: rules))
        }
    }

    /// Restricts what a client-certificate user (by CN) may do.
    public func setCertificateRules(commonName: String, rules: AccessRules) {
        registry.withLock { $0.certificateRules[commonName] = rules }
    }

    /// Whether verified client certificates authenticate (kube's x509 authenticator); on by default.
    public func setAcceptsClientCertificates(_ accepts: Bool) {
        registry.withLock { $0.acceptsClientCertificates = accepts }
    }

    /// The caller, or nil for missing or unknown credentials (a 401).
    func authenticate(_ request: ServerRequest) -> AuthenticatedUser? {
        var unknownToken: String?
        let reviewer = registry.withLock { $0.tokenReviewer }
        let user = registry.withLock { registry -> AuthenticatedUser? in
            // kube's union authenticator tries x509 before tokens; the first success wins.
            if let certificate = request.clientCertificate, registry.acceptsClientCertificates {
                return AuthenticatedUser(
                    name: certificate.commonName, groups: certificate.organizations,
                    rules: registry.certificateRules[certificate.commonName] ?? .all)
            }
            if let authorization = request.header("Authorization") {
                let parts = authorization.split(separator: " ", maxSplits: 1)
                guard parts.count == 2 else { return nil }
                let scheme = parts[0].lowercased()
                let credential = String(parts[1]).trimmingSpaces()
                if scheme == "bearer" {
                    if let expiry = registry.tokenExpiry[credential], Date() >= expiry { return nil }
                    if registry.tokens[credential] == nil { unknownToken = credential }
                    return registry.tokens[credential]
                }
                if scheme == "basic" {
                    guard let data = Data(base64Encoded: credential),
                        let decoded = String(data: data, encoding: .utf8),
                        let colon = decoded.firstIndex(of: ":")
                    else { return nil }
                    let name = String(decoded[..<colon])
                    let password = String(decoded[decoded.index(after: colon)...])
                    guard let entry = registry.passwords[name], entry.password == password else { return nil }
                    return entry.user
                }
                return nil
            }
            return nil
        }
        // Outside the lock: a reviewer may be slow or take locks of its own.
        if let unknownToken, let reviewer {
            return reviewer(unknownToken).map { AuthenticatedUser(name: $0, groups: [], rules: .all) }
        }
        return user
    }
}
