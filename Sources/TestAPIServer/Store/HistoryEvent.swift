/// The type of a watch event, as it appears in the `type` member.
public enum WatchEventType: String, Sendable {
    case added = "ADDED"
    case modified = "MODIFIED"
    case deleted = "DELETED"
    case bookmark = "BOOKMARK"
    case error = "ERROR"
}

/// One committed write, kept for resuming watches and for rebuilding list snapshots at older resource versions.
struct HistoryEvent: Sendable {
    var type: WatchEventType
    var resource: ResourceKind
    var key: String
    /// The object after the write (for DELETED: its last state, stamped with the deletion's resource version).
    var object: JSON
    /// The object before the write; nil for ADDED.
    var previous: JSON?
    var resourceVersion: Int64
}
