import Logging
import Synchronization

/// Where a reflector puts what it reads: complete snapshots and the watch events after them.
protocol ReflectorSink<Object>: Sendable {
    associatedtype Object: KubeResource
    /// Applied to every object as it is read, before it is held for a snapshot or applied (the informer's
    /// transform): a list of 10,000 objects is kept as projections, not as 10,000 full objects until its end.
    func prepare(_ object: Object) -> Object
    /// A complete, consistent set of objects (a list, or a streaming list's initial events); `unreadable`
    /// objects are part of it but could not be read, so their last known state stays.
    func replace(_ snapshot: [Object], keeping unreadable: Set<ObjectKey>)
    /// An ADDED, MODIFIED or DELETED event after the last snapshot.
    func apply(_ event: WatchEvent<Object>)
}

/// client-go's reflector: keeps a sink in step with the server by listing (or streaming a list) once, then
/// watching from the list's resourceVersion for as long as possible.
///
/// A watch that ends cleanly or breaks is resumed from the last resourceVersion seen, without a relist; only
/// a 410 (the version was compacted away) costs a new snapshot. Failures back off exponentially, and nothing
/// but a successful snapshot removes objects from the sink, so an outage never looks like deletions.
final class Reflector<Object: KubeResource>: Sendable {
    private let client: KubeClient
    private let options: InformerOptions
    private let logger: Logger
    private let progress = Mutex(Progress())

    private struct Progress {
        var lastSyncResourceVersion: String?
        var stats = InformerStats()
        /// Set once the server rejected a streaming list in `.auto` mode: list+watch from then on.
        var watchListRejected = false
    }

    /// A clean end this soon with no events means something is wrong server-side; back off instead of
    /// reconnecting in a hot loop (client-go's "very short watch").
    static var shortWatch: Duration { .seconds(1) }
    /// A watch that lasted this long shows the connection is healthy again: the backoff starts over.
    static var healthyWatch: Duration { .seconds(60) }

    init(client: KubeClient, options: InformerOptions, logger: Logger) {
        self.client = client
        self.options = options
        var logger = logger
        logger[metadataKey: "resource"] = "\(Object.resourceType)"
        if let namespace = options.namespace { logger[metadataKey: "namespace"] = "\(namespace)" }
        self.logger = logger
    }

    var lastSyncResourceVersion: String? { progress.withLock { $0.lastSyncResourceVersion } }
    var stats: InformerStats { progress.withLock { $0.stats } }

    func record(_ update: (inout InformerStats) -> Void) {
        progress.withLock { update(&$0.stats) }
    }

    // MARK: the loop

    /// What the loop knows between requests.
    private struct LoopState {
        var needsSnapshot = true
        /// The last resourceVersion met a 410: the next streaming list starts from "" (any recent state).
        var lastVersionExpired = false
        var snapshots = 0
        var watches = 0
        var backoff: Backoff
    }

    /// How one watch ended.
    private enum WatchEnd {
        case closed
        case interrupted(KubeError)
        case expired(Status)
        case failed(Status)
        case cancelled
    }

    private struct WatchResult {
        var end: WatchEnd
        var eventCount: Int
        var duration: Duration
        var completedInitialEvents: Bool
    }

    /// Lists and watches until the task is cancelled.
    func run(into sink: some ReflectorSink<Object>) async {
        var loop = LoopState(backoff: Backoff(base: options.backoffBase, cap: options.backoffCap))
        while !Task.isCancelled {
            let proceed: Bool
            if loop.needsSnapshot {
                proceed = usesWatchList ? await streamingList(&loop, into: sink) : await list(&loop, into: sink)
            } else {
                proceed = await watch(&loop, into: sink)
            }
            if !proceed { return }
        }
    }

    private var usesWatchList: Bool {
        switch options.watchList {
        case .never: return false
        case .always: return true
        case .auto: return !progress.withLock { $0.watchListRejected }
        }
    }

    /// The error for a log line; a 403 says first which permission is missing, in RBAC's words.
    private func explained(_ error: KubeError, verb: String) -> String {
        guard case .forbidden = error else { return error.description }
        let scope = options.namespace.map { " in namespace \($0)" } ?? ""
        return "forbidden: needs \(verb) on \(Object.resourceType)\(scope): \(error)"
    }

    /// One warning per unreadable version of an object: it is skipped, not retried, so the cache keeps
    /// following every other object (a decode error used to end the watch and meet the same event again).
    private func reportUnreadable(_ object: UnreadableObject) {
        logger.warning(
            "\(Object.resourceType) \(object.key) (resourceVersion \(object.metadata.resourceVersion ?? "?")) cannot be read: \(object.reason); its last readable state is kept (a new object is left out) until a readable version arrives")
        record { $0.unreadableObjects += 1 }
    }

    // MARK: snapshots

    /// A paginated list, then the sink is replaced with it.
    private func list(_ loop: inout LoopState, into sink: some ReflectorSink<Object>) async -> Bool {
        let listOptions = ListOptions(labelSelector: options.labelSelector, fieldSelector: options.fieldSelector)
        do {
            let result = try await client.listAll(
                Object.self, namespace: options.namespace, options: listOptions, pageSize: options.pageSize,
                transform: sink.prepare)
            let unreadable = Set(result.unreadableItems.map(\.key))
            for object in result.unreadableItems { reportUnreadable(object) }
            completeSnapshot(
                result.items, keeping: unreadable, resourceVersion: result.metadata.resourceVersion, &loop, into: sink
            ) {
                $0.lists += 1
            }
            return true
        } catch {
            if Task.isCancelled { return false }
            record { $0.errors += 1 }
            logger.warning("list failed, retrying with backoff: \(explained(error, verb: "list"))")
            return await loop.backoff.wait()
        }
    }

    /// A watch with `sendInitialEvents`: the initial ADDED events become the snapshot at the end bookmark,
    /// and the same watch goes on with the changes after it.
    private func streamingList(_ loop: inout LoopState, into sink: some ReflectorSink<Object>) async -> Bool {
        let version = loop.lastVersionExpired ? "" : (lastSyncResourceVersion ?? "")
        var watchOptions = baseWatchOptions(resourceVersion: version)
        watchOptions.resourceVersionMatch = "NotOlderThan"
        watchOptions.sendInitialEvents = true
        let stream: WatchStream<Object>
        do {
            stream = try await client.watch(Object.self, namespace: options.namespace, options: watchOptions)
        } catch {
            if Task.isCancelled { return false }
            if error.isGone {
                loop.lastVersionExpired = true
                return await loop.backoff.wait()
            }
            if Self.isRejection(error) { return await rejectWatchList(&loop, reason: "\(error)") }
            record { $0.errors += 1 }
            logger.warning("streaming list failed, retrying with backoff: \(error)")
            return await loop.backoff.wait()
        }
        countWatchStarted(&loop)
        var events = stream.makeAsyncIterator()
        let result = await consume(&events, collectingInitialEvents: true, &loop, into: sink)
        if result.completedInitialEvents { return await handleEnd(result, &loop) }
        switch result.end {
        case .cancelled:
            return false
        case .closed:
            return await rejectWatchList(&loop, reason: "the watch ended before the initial-events-end bookmark")
        case .failed(let status):
            return await rejectWatchList(&loop, reason: KubeError.unexpectedStatus(status).description)
        case .expired:
            loop.lastVersionExpired = true
            return await loop.backoff.wait()
        case .interrupted(let error):
            record { $0.errors += 1 }
            logger.info("streaming list broke, retrying with backoff: \(error)")
            return await loop.backoff.wait()
        }
    }

    /// Errors by which a server says it does not serve streaming lists (older apiservers answer 422/400).
    private static func isRejection(_ error: KubeError) -> Bool {
        switch error {
        case .invalid, .forbidden, .notFound, .unexpectedStatus: return true
        default: return false
        }
    }

    private func rejectWatchList(_ loop: inout LoopState, reason: String) async -> Bool {
        guard options.watchList == .auto else {
            record { $0.errors += 1 }
            logger.warning("streaming list rejected, retrying with backoff: \(reason)")
            return await loop.backoff.wait()
        }
        progress.withLock { $0.watchListRejected = true }
        logger.debug("the server does not serve streaming lists, using list+watch: \(reason)")
        return true
    }

    private func completeSnapshot(
        _ objects: [Object], keeping unreadable: Set<ObjectKey>, resourceVersion: String?, _ loop: inout LoopState,
        into sink: some ReflectorSink<Object>, count: (inout InformerStats) -> Void
    ) {
        let isRelist = loop.snapshots > 0
        progress.withLock { progress in
            if let resourceVersion { progress.lastSyncResourceVersion = resourceVersion }
            count(&progress.stats)
            if isRelist { progress.stats.relists += 1 }
        }
        sink.replace(objects, keeping: unreadable)
        loop.snapshots += 1
        loop.needsSnapshot = false
        loop.lastVersionExpired = false
    }

    // MARK: watching

    /// Watches from the last resourceVersion.
    private func watch(_ loop: inout LoopState, into sink: some ReflectorSink<Object>) async -> Bool {
        let watchOptions = baseWatchOptions(resourceVersion: lastSyncResourceVersion)
        let stream: WatchStream<Object>
        do {
            stream = try await client.watch(Object.self, namespace: options.namespace, options: watchOptions)
        } catch {
            if Task.isCancelled { return false }
            if error.isGone {
                logger.info("resourceVersion \(lastSyncResourceVersion ?? "") is too old (410), relisting")
                loop.needsSnapshot = true
                loop.lastVersionExpired = true
                return await loop.backoff.wait()
            }
            record { $0.errors += 1 }
            logger.warning("watch failed, retrying with backoff: \(explained(error, verb: "watch"))")
            return await loop.backoff.wait()
        }
        countWatchStarted(&loop)
        var events = stream.makeAsyncIterator()
        let result = await consume(&events, collectingInitialEvents: false, &loop, into: sink)
        return await handleEnd(result, &loop)
    }

    private func baseWatchOptions(resourceVersion: String?) -> WatchOptions {
        WatchOptions(
            labelSelector: options.labelSelector, fieldSelector: options.fieldSelector,
            resourceVersion: resourceVersion, allowWatchBookmarks: true,
            timeoutSeconds: Int.random(in: options.watchTimeout))
    }

    private func countWatchStarted(_ loop: inout LoopState) {
        let isRestart = loop.watches > 0
        record {
            $0.watchesStarted += 1
            if isRestart { $0.watchRestarts += 1 }
        }
        loop.watches += 1
    }

    /// Decides what follows a watch that delivered its initial events, or never had any.
    private func handleEnd(_ result: WatchResult, _ loop: inout LoopState) async -> Bool {
        if result.duration >= Self.healthyWatch { loop.backoff.reset() }
        let version = lastSyncResourceVersion ?? ""
        switch result.end {
        case .cancelled:
            return false
        case .closed:
            if result.duration < Self.shortWatch && result.eventCount == 0 {
                logger.debug("watch closed at once without events, resuming from \(version) with backoff")
                return await loop.backoff.wait()
            }
            logger.debug("watch closed after \(result.eventCount) events, resuming from \(version)")
            return true
        case .interrupted(let error):
            record { $0.errors += 1 }
            // A watch that worked before breaking (idle proxy, flaky link) says nothing about the next one: as in
            // client-go it must not inherit earlier cuts' backoff, or a few blips stall the cache for the 30 s cap.
            if result.duration >= Self.shortWatch || result.eventCount > 0 { loop.backoff.reset() }
            logger.info("watch broke, resuming from \(version) with backoff: \(error)")
            return await loop.backoff.wait()
        case .expired(let status):
            logger.info("resourceVersion \(version) is too old, relisting: \(status.message ?? "410 Gone")")
            loop.needsSnapshot = true
            loop.lastVersionExpired = true
            // A watch expiring before delivering anything may expire again at once: do not spin.
            return result.eventCount == 0 ? await loop.backoff.wait() : true
        case .failed(let status):
            record { $0.errors += 1 }
            logger.warning(
                "watch failed, resuming from \(version) with backoff: \(KubeError.unexpectedStatus(status))")
            return await loop.backoff.wait()
        }
    }

    /// Reads one watch to its end, applying events to the sink (or, during a streaming list's initial
    /// events, collecting them until the end bookmark turns them into a snapshot).
    private func consume(
        _ events: inout WatchStream<Object>.AsyncIterator, collectingInitialEvents: Bool, _ loop: inout LoopState,
        into sink: some ReflectorSink<Object>
    ) async -> WatchResult {
        let clock = ContinuousClock()
        let started = clock.now
        var initial: [ObjectKey: Object]? = collectingInitialEvents ? [:] : nil
        var initialUnreadable: Set<ObjectKey> = []
        var eventCount = 0
        var completedInitialEvents = false
        func result(_ end: WatchEnd) -> WatchResult {
            WatchResult(
                end: Task.isCancelled ? .cancelled : end, eventCount: eventCount,
                duration: started.duration(to: clock.now), completedInitialEvents: completedInitialEvents)
        }
        do {
            while let event = try await events.next() {
                switch event {
                case .added(let object), .modified(let object), .deleted(let object):
                    eventCount += 1
                    if initial != nil {
                        if case .deleted = event {
                            initial?[ObjectKey(of: object)] = nil
                        } else {
                            initial?[ObjectKey(of: object)] = sink.prepare(object)
                        }
                        record { $0.events += 1 }
                    } else {
                        // The version as read: a transform need not keep it.
                        progress.withLock { progress in
                            if let version = object.metadata.resourceVersion {
                                progress.lastSyncResourceVersion = version
                            }
                            progress.stats.events += 1
                        }
                        let applyStart = StageTrace.isOn ? StageTrace.now() : 0
                        sink.apply(event.map(sink.prepare))
                        if StageTrace.isOn {
                            StageTrace.write([
                                "watchapply", Object.resourceType.description, String(applyStart), String(StageTrace.now() - applyStart),
                            ])
                        }
                    }
                case .bookmark(let version, _):
                    eventCount += 1
                    if let collected = initial {
                        // Only the end bookmark matters before the snapshot is complete.
                        guard event.isInitialEventsEnd else { continue }
                        let snapshot = collected.sorted { $0.key < $1.key }.map(\.value)
                        initial = nil
                        completedInitialEvents = true
                        completeSnapshot(snapshot, keeping: initialUnreadable, resourceVersion: version, &loop, into: sink) {
                            $0.watchListSyncs += 1
                            $0.bookmarks += 1
                        }
                    } else {
                        progress.withLock { progress in
                            progress.lastSyncResourceVersion = version
                            progress.stats.bookmarks += 1
                        }
                    }
                case .unreadable(let object, let deleted):
                    eventCount += 1
                    if !deleted { reportUnreadable(object) }
                    if initial != nil {
                        initial?[object.key] = nil
                        if deleted { initialUnreadable.remove(object.key) } else { initialUnreadable.insert(object.key) }
                        record { $0.events += 1 }
                    } else {
                        progress.withLock { progress in
                            if let version = object.metadata.resourceVersion { progress.lastSyncResourceVersion = version }
                            progress.stats.events += 1
                        }
                        sink.apply(event)
                    }
                case .error(let status):
                    let expired = status.code == 410 || status.reason == "Expired" || status.reason == "Gone"
                    return result(expired ? .expired(status) : .failed(status))
                }
            }
            return result(.closed)
        } catch {
            return result(.interrupted(error))
        }
    }
}
