#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Credentials from one fetcher, kept until shortly before they expire and shared by all callers: one
/// fetch at a time, concurrent callers wait for it. Long-term keys (no expiry) are fetched once.
actor AWSCredentialCache: AWSCredentialFetcher {
    nonisolated let source: String
    private let shared: SharedRefresh<Cached>

    private struct Cached: Sendable {
        var credentials: AWSCredentials
        var refreshAt: Date?
    }

    init(_ fetcher: any AWSCredentialFetcher) {
        self.source = fetcher.source
        shared = SharedRefresh(isFresh: { $0.refreshAt.map { Date() < $0 } ?? true }) { () throws(ProviderError) in
            let fetchedAt = Date()
            let fresh = try await fetcher.fetch()
            return Cached(
                credentials: fresh,
                refreshAt: fresh.expiration.map { AWSCredentialCache.refreshTime(expiration: $0, fetchedAt: fetchedAt) })
        }
    }

    func fetch() async throws(ProviderError) -> AWSCredentials {
        try await credentials()
    }

    /// The current credentials, fetching when none are cached or they are due for refresh.
    func credentials() async throws(ProviderError) -> AWSCredentials {
        try await shared.value().credentials
    }

    /// Drops the cached credentials (after a refusal that fresh ones may fix).
    func invalidate() async {
        await shared.invalidate()
    }

    /// 5 minutes before expiry, as the SDKs do, or at half the remaining time for short-lived credentials.
    static func refreshTime(expiration: Date, fetchedAt: Date) -> Date {
        let remaining = expiration.timeIntervalSince(fetchedAt)
        return expiration.addingTimeInterval(-min(300, max(0, remaining) / 2))
    }
}
