/// Opens watch streams: initial events and registration happen atomically under the store's lock; a timer task
/// sends bookmarks and ends the stream at `timeoutSeconds`.
enum WatchHandler {
    static func open(state: APIServerState, target: ResourceTarget, query: QueryParameters) throws(APIError)
        -> ServerResponse
    {
        if !state.configuration.watchListSupported && query.bool("sendInitialEvents") != nil {
            // An apiserver without the WatchList feature ignores sendInitialEvents and so refuses resourceVersionMatch.
            throw .invalidOptions(
                "ListOptions",
                [.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided")])
        }
        let request = try RequestOptions.watch(target, query: query, defaultTimeout: state.configuration.defaultWatchTimeout)
        if state.faults.takeExpiredWatch() {
            let version = request.resourceVersion ?? "0"
            return Responses.watchError(.expired("too old resource version: \(version) (\(state.resourceVersion))"))
        }
        let (stream, continuation) = AsyncStream.makeStream(
            of: ServerResponse.StreamChunk.self, bufferingPolicy: .unbounded)
        let id: Int
        do {
            id = try state.withStore { (store: inout StoreState) throws(APIError) in try store.openWatch(request, continuation: continuation) }
        } catch {
            // kube reports a too-old resourceVersion inside the stream (HTTP 200), not as the response status.
            if error.code == 410 {
                continuation.finish()
                return Responses.watchError(error)
            }
            continuation.finish()
            throw error
        }
        let timer = Task { await runTimer(state: state, watcherID: id, request: request) }
        continuation.onTermination = { _ in
            timer.cancel()
            // Not inline: termination can run while another thread holds the store lock and is yielding an
            // event to this very stream (lock order store -> stream); taking the store lock here would deadlock.
            // Until the task runs, events yielded to the finished stream are dropped, which is harmless.
            Task { try? state.withStore { $0.dropWatcher(id) } }
        }
        return ServerResponse(status: 200, headers: Responses.jsonHeaders, body: .stream(stream))
    }

    /// Bookmarks every `bookmarkInterval` (when asked for) and a clean end at the timeout.
    private static func runTimer(state: APIServerState, watcherID: Int, request: WatchRequest) async {
        let clock = ContinuousClock()
        let deadline = clock.now + (request.timeout ?? state.configuration.defaultWatchTimeout)
        let interval = state.configuration.bookmarkInterval
        while !Task.isCancelled {
            let next = min(clock.now + interval, deadline)
            do {
                try await clock.sleep(until: next)
            } catch {
                return
            }
            if clock.now >= deadline {
                try? state.withStore { $0.closeWatcher(watcherID, abort: false) }
                return
            }
            let alive = (try? state.withStore { $0.sendBookmark(watcherID: watcherID) }) ?? false
            if !alive { return }
        }
    }
}
