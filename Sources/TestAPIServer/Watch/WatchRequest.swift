/// The parsed options of a watch request.
struct WatchRequest: Sendable {
    var resource: ResourceKind
    var namespace: String?
    var labelSelector: LabelSelector
    var fieldSelector: FieldSelector
    /// nil when unset.
    var resourceVersion: String?
    var sendInitialEvents: Bool?
    var allowBookmarks: Bool
    var timeout: Duration?
}
