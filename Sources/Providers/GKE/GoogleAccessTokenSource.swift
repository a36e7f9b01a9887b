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
    private let fetcher: any GoogleTokenFetcher
    private let logger: Logger
    private let clock = ContinuousClock()

    private var cached: CachedToken?
    private var inFlight: Task<Result<CachedToken, ProviderError>, Never>?

    public init(fetcher: any GoogleTokenFetcher, logger: Logger = Logger(label: "barrelman.providers.google")) {
        self.fetcher = fetcher
        self.identity = fetcher.identity
        self.logger = logger
    }

    /// The current token, refreshing when it is due.
    public func accessToken() async throws(ProviderError) -> String {
        if let cached, clock.now < cached.refreshAt {
            return cached.value
        }
        let refresh: Task<Result<CachedToken, ProviderError>, Never>
        if let inFlight {
            refresh = inFlight
        } else {
            let fetcher = fetcher
            let clock = clock
            let logger = logger
            refresh = Task {
                let started = clock.now
                do throws(ProviderError) {
                    let token = try await fetcher.fetchToken()
                    logger.debug(
                        "obtained a Google access token",
                        metadata: ["identity": "\(fetcher.identity)", "expiresIn": "\(token.expiresIn)"])
                    return .success(CachedToken(value: token.value, refreshAt: started + Self.refreshDelay(token.expiresIn)))
                } catch {
                    return .failure(error)
                }
            }
            inFlight = refresh
        }
        let result = await refresh.value
        // The first waiter to resume publishes the result; the others only read it.
        if inFlight == refresh {
            inFlight = nil
            if case .success(let fresh) = result { cached = fresh }
        }
        return try result.get().value
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
        cached = nil
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
