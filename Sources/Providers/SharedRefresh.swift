/// A value every request shares (an access token, temporary credentials) until it is due for refresh: one
/// fetch at a time, concurrent callers wait for that one, and a failed fetch is not cached.
actor SharedRefresh<Value: Sendable> {
    typealias Fetch = @Sendable () async throws(ProviderError) -> Value
    private let fetch: Fetch
    private let isFresh: @Sendable (Value) -> Bool
    private var cached: Value?
    private var inFlight: Task<Result<Value, ProviderError>, Never>?

    /// `isFresh` says whether a cached value may still be handed out.
    init(isFresh: @escaping @Sendable (Value) -> Bool, fetch: @escaping Fetch) {
        self.fetch = fetch
        self.isFresh = isFresh
    }

    /// The cached value while fresh, else the result of the one fetch in flight (started if none is).
    func value() async throws(ProviderError) -> Value {
        if let cached, isFresh(cached) { return cached }
        let task: Task<Result<Value, ProviderError>, Never>
        if let inFlight {
            task = inFlight
        } else {
            let fetch = fetch
            task = Task {
                do throws(ProviderError) {
                    return .success(try await fetch())
                } catch {
                    return .failure(error)
                }
            }
            inFlight = task
        }
        let result = await task.value
        // The first waiter to resume publishes the result; the others only read it.
        if inFlight == task {
            inFlight = nil
            if case .success(let fresh) = result { cached = fresh }
        }
        return try result.get()
    }

    /// Drops the cached value: the next caller fetches a new one.
    func invalidate() {
        cached = nil
    }
}
