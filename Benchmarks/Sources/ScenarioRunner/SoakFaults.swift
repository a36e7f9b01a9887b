import TestAPIServer

/// The faults a soak mixes into the churn, one at a time and in turn, each undone before the next.
enum SoakFault: String, CaseIterable {
    /// Every watch on both servers cut without a clean end.
    case watchesCut = "watches cut (both clusters)"
    /// The remote's listener closed for 3 s (its state kept; the churn goes on meanwhile).
    case remoteDown = "remote down 3 s"
    /// 429s with Retry-After 1 s and 503s on the local cluster's next requests.
    case localThrottled = "local 429 x20 + 503 x10"
    /// An etcd restore on the remote: history gone, versions jump, watches resume into 410.
    case remoteHistoryReset = "remote history reset (410 on resume)"
    /// Every local request delayed by 1 s for 4 s.
    case localSlow = "local slow (1 s per request, 4 s)"

    /// Applies the fault and, for the timed ones, waits it out and ends it.
    func inject(remote: TestAPIServer, local: TestAPIServer) async throws {
        switch self {
        case .watchesCut:
            remote.state.abortAllWatches()
            local.state.abortAllWatches()
        case .remoteDown:
            await remote.stop()
            try? await Task.sleep(for: .seconds(3))
            try await remote.resume()
        case .localThrottled:
            local.state.faults.failNext(20, with: .tooManyRequests(retryAfterSeconds: 1))
            local.state.faults.failNext(10, with: .serviceUnavailable)
        case .remoteHistoryReset:
            remote.state.resetHistory()
            remote.state.abortAllWatches()
        case .localSlow:
            local.state.faults.setLatency(.seconds(1))
            try? await Task.sleep(for: .seconds(4))
            local.state.faults.setLatency(.zero)
        }
    }
}
