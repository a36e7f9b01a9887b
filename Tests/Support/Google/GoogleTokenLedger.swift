import Foundation
import Synchronization

/// Every access token the fake Google services issued: who it belongs to and when it expires.
/// The token endpoint and metadata fakes write it; the Container API fake and tests read it.
public final class GoogleTokenLedger: Sendable {
    public typealias Observer = @Sendable (_ token: String, _ subject: String, _ lifetime: Duration) -> Void

    private struct Entry {
        var subject: String
        var expiresAt: ContinuousClock.Instant
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var issued: [String] = []
        var observers: [Observer] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Tokens issued so far, by every issuer.
    public var issuedCount: Int { state.withLock { $0.issued.count } }

    /// Tokens issued so far, oldest first.
    public var issuedTokens: [String] { state.withLock { $0.issued } }

    /// Called for every token issued from now on (e.g. to make a TestAPIServer accept it).
    public func observe(_ observer: @escaping Observer) {
        state.withLock { $0.observers.append(observer) }
    }

    /// A new random token for `subject`, valid for `lifetime`.
    public func issue(subject: String, lifetime: Duration) -> String {
        let token = "ya29.fake-" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let observers = state.withLock { state in
            state.entries[token] = Entry(subject: subject, expiresAt: .now + lifetime)
            state.issued.append(token)
            return state.observers
        }
        for observer in observers { observer(token, subject, lifetime) }
        return token
    }

    /// The subject of a known, unexpired token.
    public func subject(ofValid token: String) -> String? {
        state.withLock { state in
            guard let entry = state.entries[token], ContinuousClock.now < entry.expiresAt else { return nil }
            return entry.subject
        }
    }

    /// Makes a token invalid at once.
    public func revoke(_ token: String) {
        _ = state.withLock { $0.entries.removeValue(forKey: token) }
    }
}
