/// One open watch: its filter and the stream its events go to.
struct Watcher: Sendable {
    typealias Continuation = AsyncStream<ServerResponse.StreamChunk>.Continuation

    let id: Int
    let resource: ResourceKind
    let namespace: String?
    let labelSelector: LabelSelector
    let fieldSelector: FieldSelector
    let continuation: Continuation
    let sendsBookmarks: Bool

    func matches(_ object: JSON) -> Bool {
        if let namespace, object.namespace != namespace { return false }
        return labelSelector.matches(object.labels) && fieldSelector.matches(object)
    }

    /// What this watcher sees of a committed write: kube turns selector transitions into ADDED/DELETED.
    func translate(_ event: HistoryEvent) -> (WatchEventType, JSON)? {
        switch event.type {
        case .added:
            return matches(event.object) ? (.added, event.object) : nil
        case .modified:
            let before = event.previous.map(matches) ?? false
            let after = matches(event.object)
            switch (before, after) {
            case (true, true): return (.modified, event.object)
            case (false, true): return (.added, event.object)
            case (true, false): return (.deleted, event.object)
            case (false, false): return nil
            }
        case .deleted:
            return matches(event.object) ? (.deleted, event.object) : nil
        case .bookmark, .error:
            return nil
        }
    }

    func send(_ type: WatchEventType, _ object: JSON) {
        continuation.yield(.data(WatchEncoding.line(type, object)))
    }
}

enum WatchEncoding {
    /// One watch event as kube's JSON stream frames it: an object followed by a newline.
    static func line(_ type: WatchEventType, _ object: JSON) -> [UInt8] {
        let event: JSON = ["type": .string(type.rawValue), "object": object]
        return event.serialized() + [UInt8(ascii: "\n")]
    }

    /// A BOOKMARK's object: only type meta and the resource version (plus annotations when given).
    static func bookmark(_ resource: ResourceKind, resourceVersion: Int64, annotations: [String: String] = [:]) -> JSON {
        var metadata: JSON = ["resourceVersion": .string(String(resourceVersion))]
        if !annotations.isEmpty { metadata["annotations"] = .object(annotations.mapValues(JSON.string)) }
        return ["kind": .string(resource.kind), "apiVersion": .string(resource.apiVersion), "metadata": metadata]
    }
}
