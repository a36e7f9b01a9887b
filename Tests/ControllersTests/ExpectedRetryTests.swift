@testable import Controllers
import KubeAPI
import Testing

/// Which failed writes are retried quietly (no Warning Event, no error count): a stop's cancellation always, a
/// 409 only while it can still be a cache behind the server.
struct ExpectedRetryTests {
    static let taken = KubeError.alreadyExists(Status(reason: Status.Reason.alreadyExists, code: 409))
    static let stale = KubeError.conflict(Status(reason: Status.Reason.conflict, code: 409))

    @Test func a409IsACacheBehindTheServerOnlyForItsFirstRetries() {
        for error in [Self.taken, Self.stale] {
            #expect(error.expectedRetryReason(failedAttempts: 0)?.contains("cache is behind") == true)
            #expect(error.expectedRetryReason(failedAttempts: staleCacheRetries - 1) != nil)
            #expect(error.expectedRetryReason(failedAttempts: staleCacheRetries) == nil, "a name held by an unseen object")
        }
    }

    @Test func aStopsCancellationIsAlwaysQuietAndOtherFailuresNever() {
        #expect(KubeError.transport(.cancelled).expectedRetryReason(failedAttempts: 50) == "cancelled")
        #expect(CancellationError().expectedRetryReason(failedAttempts: 50) == "cancelled")
        let forbidden = KubeError.forbidden(Status(reason: "Forbidden", code: 403))
        #expect(forbidden.expectedRetryReason(failedAttempts: 0) == nil)
    }
}
