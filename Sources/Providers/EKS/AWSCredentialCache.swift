import Foundation

/// Credentials from one fetcher, kept until shortly before they expire and shared by all callers: one
/// fetch at a time, concurrent callers wait for it. Long-term keys (no expiry) are fetched once.
actor AWSCredentialCache: AWSCredentialFetcher {
    nonisolated let source: String
    private let fetcher: any AWSCredentialFetcher
    private var cached: (credentials: AWSCredentials, refreshAt: Date?)?
    private var inFlight: Task<Result<AWSCredentials, ProviderError>, Never>?

    init(_ fetcher: any AWSCredentialFetcher) {
        self.fetcher = fetcher
        self.source = fetcher.source
    }

    func fetch() async throws(ProviderError) -> AWSCredentials {
        try await credentials()
    }

    /// The current credentials, fetching when none are cached or they are due for refresh.
    func credentials(now: Date = Date()) async throws(ProviderError) -> AWSCredentials {
        if let cached, cached.refreshAt.map({ now < $0 }) ?? true {
            return cached.credentials
        }
        let task: Task<Result<AWSCredentials, ProviderError>, Never>
        if let inFlight {
            task = inFlight
        } else {
            let fetcher = fetcher
            task = Task {
                do throws(ProviderError) {
                    return .success(try await fetcher.fetch())
                } catch {
                    return .failure(error)
                }
            }
            inFlight = task
        }
        let result = await task.value
        if inFlight == task {
            inFlight = nil
            if case .success(let fresh) = result {
                cached = (fresh, fresh.expiration.map { Self.refreshTime(expiration: $0, fetchedAt: now) })
            }
        }
        return try result.get()
    }

    /// Drops the cached credentials (after a refusal that fresh ones may fix).
    func invalidate() {
        cached = nil
    }

    /// 5 minutes before expiry, as the SDKs do, or at half the remaining time for short-lived credentials.
    static func refreshTime(expiration: Date, fetchedAt: Date) -> Date {
        let remaining = expiration.timeIntervalSince(fetchedAt)
        return expiration.addingTimeInterval(-min(300, max(0, remaining) / 2))
    }
}
