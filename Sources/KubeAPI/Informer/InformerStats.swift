/// Counters of an informer's work, for tests, metrics and benchmarks.
public struct InformerStats: Sendable, Hashable {
    /// Completed paginated lists (each may be several requests).
    public var lists = 0
    /// Completed streaming lists (initial events up to the end bookmark).
    public var watchListSyncs = 0
    /// Snapshots (lists or streaming lists) after the first: what a 410 costs.
    public var relists = 0
    /// Watch requests the server accepted, including streaming lists.
    public var watchesStarted = 0
    /// Watches opened to continue after one ended, broke or failed.
    public var watchRestarts = 0
    /// ADDED, MODIFIED and DELETED events applied from watches (initial events of a streaming list included).
    public var events = 0
    /// BOOKMARK events received (they only advance the resourceVersion).
    public var bookmarks = 0
    /// Resync rounds delivered.
    public var resyncs = 0
    /// Failed requests and broken or failed watches.
    public var errors = 0
    /// Objects (versions) skipped because they could not be read.
    public var unreadableObjects = 0

    /// All counters at zero.
    public init() {}
}
