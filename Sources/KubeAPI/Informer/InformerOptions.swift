/// Whether an informer fills its cache with a streaming list (a watch with `sendInitialEvents`).
public enum WatchListMode: Sendable, Hashable {
    /// Try the streaming list; if the server rejects it, use list+watch for the life of the informer.
    case auto
    /// Only the streaming list; rejections are retried with backoff.
    case always
    /// Only paginated list+watch.
    case never
}

/// What an informer watches and how it paces itself.
public struct InformerOptions: Sendable {
    /// nil watches all namespaces (and is required for cluster-scoped resources).
    public var namespace: String? = nil
    /// Passed to every list and watch; only matching objects are cached.
    public var labelSelector: String? = nil
    /// Passed to every list and watch; only matching objects are cached.
    public var fieldSelector: String? = nil
    /// Every this often, handlers get `updated(old: x, new: x)` for every cached object; nil never.
    public var resyncPeriod: Duration? = nil
    /// Items per page of a list.
    public var pageSize: Int = 500
    /// Whether the cache is filled by a streaming list or a paginated list.
    public var watchList: WatchListMode = .auto
    /// First delay after a failure; it doubles per consecutive failure, with jitter, up to `backoffCap`.
    public var backoffBase: Duration = .milliseconds(800)
    /// The longest delay between retries.
    public var backoffCap: Duration = .seconds(30)
    /// Seconds a watch asks the server to stay open, picked at random per watch so informers do not reconnect in lockstep.
    public var watchTimeout: ClosedRange<Int> = 300...600

    /// Options; the defaults are client-go's.
    public init(
        namespace: String? = nil, labelSelector: String? = nil, fieldSelector: String? = nil,
        resyncPeriod: Duration? = nil, pageSize: Int = 500, watchList: WatchListMode = .auto,
        backoffBase: Duration = .milliseconds(800), backoffCap: Duration = .seconds(30),
        watchTimeout: ClosedRange<Int> = 300...600
    ) {
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.resyncPeriod = resyncPeriod
        self.pageSize = pageSize
        self.watchList = watchList
        self.backoffBase = backoffBase
        self.backoffCap = backoffCap
        self.watchTimeout = watchTimeout
    }
}
