import KubeAPI
import Logging

/// A Google access token shared by every request to Google's APIs and to the GKE cluster.
///
/// It is refreshed ahead of expiry (5 minutes before, or at half its lifetime for short-lived tokens),
/// and after `invalidate()` (the KubeClient calls it on a 401). Concurrent callers share one refresh.
/// The token is never logged.
public actor GoogleAccessTokenSource: CredentialSource {
    /// Who the tokens belong to, for messages.
    public nonisolated let identity: String
    private let shared: SharedRefresh<CachedToken>

    public init(fetcher: any GoogleTokenFetcher, logger: Logger = Logger(label: "barrelman.providers.google")) {
        self.identity = fetcher.identity
        let clock = ContinuousClock()
        shared = SharedRefresh(isFresh: { clock.now < $0.refreshAt }) { () throws(ProviderError) in
            let started = clock.now
            let token = try await fetcher.fetchToken()
            logger.debug(
                "obtained a Google access token",
                metadata: ["identity": "\(fetcher.identity)", "expiresIn": "\(token.expiresIn)"])
            return CachedToken(value: token.value, refreshAt: started + Self.refreshDelay(token.expiresIn))
        }
    }

    /// The current token, refreshing when it is due.
    public func accessToken() async throws(ProviderError) -> String {
        try await shared.value().value
    }

    public func credential() async throws(ConfigError) -> Credential {
        do {
            return Credential(bearerToken: try await accessToken())
        } catch {
            throw ConfigError(error.message)
        }
    }

    /// Drops the cached token: the next caller fetches a new one.
    public func invalidate() async {
        await shared.invalidate()
    }

    /// How long after the request a token of `lifetime` is used: until 5 minutes before expiry, or half
    /// its lifetime when that is shorter than 10 minutes.
    static func refreshDelay(_ lifetime: Duration) -> Duration {
        lifetime > .seconds(600) ? lifetime - .seconds(300) : lifetime / 2
    }

    private struct CachedToken: Sendable {
        var value: String
        var refreshAt: ContinuousClock.Instant
    }
}
