/// Options of a list call (`GET` on a collection).
public struct ListOptions: Sendable, Hashable {
    public var labelSelector: String?
    public var fieldSelector: String?
    /// Page size; the server returns a `continue` token when more remain.
    public var limit: Int?
    public var continueToken: String?
    /// Unset: most recent (quorum read). "0": any cached state is fine.
    public var resourceVersion: String?
    /// `Exact` or `NotOlderThan`, only together with `resourceVersion`.
    public var resourceVersionMatch: String?
    public var timeoutSeconds: Int?

    public init(
        labelSelector: String? = nil, fieldSelector: String? = nil, limit: Int? = nil, continueToken: String? = nil,
        resourceVersion: String? = nil, resourceVersionMatch: String? = nil, timeoutSeconds: Int? = nil
    ) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
        self.resourceVersion = resourceVersion
        self.resourceVersionMatch = resourceVersionMatch
        self.timeoutSeconds = timeoutSeconds
    }

    var queryItems: [(String, String)] {
        var items: [(String, String)] = []
        items.appendIfSet("labelSelector", labelSelector)
        items.appendIfSet("fieldSelector", fieldSelector)
        items.appendIfSet("limit", limit.map(String.init))
        items.appendIfSet("continue", continueToken)
        items.appendIfSet("resourceVersion", resourceVersion)
        items.appendIfSet("resourceVersionMatch", resourceVersionMatch)
        items.appendIfSet("timeoutSeconds", timeoutSeconds.map(String.init))
        return items
    }
}

/// Options of a watch.
public struct WatchOptions: Sendable, Hashable {
    public var labelSelector: String?
    public var fieldSelector: String?
    /// Events after this version are sent; unset or "0" starts with the current objects as ADDED events.
    public var resourceVersion: String?
    public var resourceVersionMatch: String?
    /// BOOKMARK events keep a quiet watch's resourceVersion fresh, so a resume rarely meets 410.
    public var allowWatchBookmarks: Bool
    /// Streaming list (WatchList): current objects as ADDED, then a bookmark marking the end of them.
    public var sendInitialEvents: Bool?
    /// The server ends the watch cleanly after this long.
    public var timeoutSeconds: Int?

    public init(
        labelSelector: String? = nil, fieldSelector: String? = nil, resourceVersion: String? = nil,
        resourceVersionMatch: String? = nil, allowWatchBookmarks: Bool = true, sendInitialEvents: Bool? = nil,
        timeoutSeconds: Int? = nil
    ) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.resourceVersion = resourceVersion
        self.resourceVersionMatch = resourceVersionMatch
        self.allowWatchBookmarks = allowWatchBookmarks
        self.sendInitialEvents = sendInitialEvents
        self.timeoutSeconds = timeoutSeconds
    }

    var queryItems: [(String, String)] {
        var items: [(String, String)] = [("watch", "true")]
        items.appendIfSet("labelSelector", labelSelector)
        items.appendIfSet("fieldSelector", fieldSelector)
        items.appendIfSet("resourceVersion", resourceVersion)
        items.appendIfSet("resourceVersionMatch", resourceVersionMatch)
        if allowWatchBookmarks { items.append(("allowWatchBookmarks", "true")) }
        items.appendIfSet("sendInitialEvents", sendInitialEvents.map { $0 ? "true" : "false" })
        items.appendIfSet("timeoutSeconds", timeoutSeconds.map(String.init))
        return items
    }
}

/// Options of a delete.
public struct DeleteOptions: Sendable, Hashable {
    public enum PropagationPolicy: String, Sendable {
        case background = "Background", foreground = "Foreground", orphan = "Orphan"
    }

    /// The delete fails with 409 unless the object still has this uid (guards against deleting a re-created object).
    public var preconditionUID: String?
    /// The delete fails with 409 unless the object still has this resourceVersion.
    public var preconditionResourceVersion: String?
    public var propagationPolicy: PropagationPolicy?
    public var gracePeriodSeconds: Int?

    public init(
        preconditionUID: String? = nil, preconditionResourceVersion: String? = nil,
        propagationPolicy: PropagationPolicy? = nil, gracePeriodSeconds: Int? = nil
    ) {
        self.preconditionUID = preconditionUID
        self.preconditionResourceVersion = preconditionResourceVersion
        self.propagationPolicy = propagationPolicy
        self.gracePeriodSeconds = gracePeriodSeconds
    }

    var isEmpty: Bool { self == DeleteOptions() }

    func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.setAlways("apiVersion", "v1")
        object.setAlways("kind", "DeleteOptions")
        var preconditions = JSONObjectBuilder()
        preconditions.set("uid", preconditionUID)
        preconditions.set("resourceVersion", preconditionResourceVersion)
        object.set("preconditions", preconditions.value)
        object.set("propagationPolicy", propagationPolicy?.rawValue)
        object.set("gracePeriodSeconds", gracePeriodSeconds)
        return object.value
    }
}

/// A patch body, with the content type that tells the server how to apply it.
public enum Patch: Sendable {
    /// RFC 7386 JSON merge patch: maps merge, lists are replaced, `null` deletes.
    case merge(JSONValue)
    /// RFC 6902 JSON patch: a list of operations.
    case json([JSONValue])
    /// Server-side apply of a complete (partial-object) configuration owned by `fieldManager`.
    case apply(JSONValue, fieldManager: String, force: Bool)

    var contentType: String {
        switch self {
        case .merge: return "application/merge-patch+json"
        case .json: return "application/json-patch+json"
        case .apply: return "application/apply-patch+yaml"  // JSON is valid YAML, and what the server expects here
        }
    }

    var body: [UInt8] {
        switch self {
        case .merge(let value), .apply(let value, _, _): return JSONDocument.encode(value)
        case .json(let operations): return JSONDocument.encode(JSONValue.array(operations))
        }
    }

    var queryItems: [(String, String)] {
        guard case .apply(_, let fieldManager, let force) = self else { return [] }
        var items = [("fieldManager", fieldManager)]
        if force { items.append(("force", "true")) }
        return items
    }
}

extension Array where Element == (String, String) {
    mutating func appendIfSet(_ name: String, _ value: String?) {
        if let value { append((name, value)) }
    }
}
