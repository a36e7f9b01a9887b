extension StoreState {
    /// Registers a watch and sends its initial events, all under the store's lock so no write falls in between.
    mutating func openWatch(_ request: WatchRequest, continuation: Watcher.Continuation) throws(APIError) -> Int {
        let id = nextWatcherID
        let watcher = Watcher(
            id: id, resource: request.resource, namespace: request.namespace, labelSelector: request.labelSelector,
            fieldSelector: request.fieldSelector, continuation: continuation, sendsBookmarks: request.allowBookmarks)
        let version = request.resourceVersion ?? ""
        if request.sendInitialEvents == true {
            sendCurrentObjects(to: watcher)
            if request.allowBookmarks {
                watcher.send(
                    .bookmark,
                    WatchEncoding.bookmark(
                        request.resource, resourceVersion: resourceVersion,
                        annotations: ["k8s.io/initial-events-end": "true"]))
            }
        } else if version.isEmpty || version == "0" {
            sendCurrentObjects(to: watcher)
        } else {
            guard let requested = Int64(version) else {
                throw .badRequest("invalid resource version: \(version)")
            }
            guard requested >= compactedRevision else {
                throw .expired("too old resource version: \(requested) (\(compactedRevision + 1))")
            }
            for event in history where event.resourceVersion > requested && event.resource == request.resource {
                if let (type, object) = watcher.translate(event) { watcher.send(type, object) }
            }
        }
        nextWatcherID += 1
        watchers[id] = watcher
        return id
    }

    private func sendCurrentObjects(to watcher: Watcher) {
        for (_, object) in (objects[watcher.resource] ?? [:]).sorted(by: { $0.key < $1.key })
        where watcher.matches(object) {
            watcher.send(.added, object)
        }
    }

    /// Sends a BOOKMARK at the current resource version; false once the watcher is gone.
    mutating func sendBookmark(watcherID: Int) -> Bool {
        guard let watcher = watchers[watcherID] else { return false }
        if watcher.sendsBookmarks {
            watcher.send(.bookmark, WatchEncoding.bookmark(watcher.resource, resourceVersion: resourceVersion))
        }
        return true
    }

    /// Ends a watch: cleanly (the response ends) or by cutting the connection.
    mutating func closeWatcher(_ id: Int, abort: Bool) {
        guard let watcher = watchers.removeValue(forKey: id) else { return }
        if abort { watcher.continuation.yield(.abort) }
        deferredFinishes.append(watcher.continuation)
    }

    mutating func closeAllWatchers(abort: Bool) {
        for id in watchers.keys.sorted() { closeWatcher(id, abort: abort) }
    }

    /// Forgets a watcher whose client went away.
    mutating func dropWatcher(_ id: Int) {
        watchers[id] = nil
    }
}
