import Logging
import Synchronization

/// A local cache of one kind of object, kept in step with the server by a list/watch loop (client-go's
/// shared informer without the sharing), with handlers told about every change.
///
/// Projection is by the type parameter: `Informer<NodeSummary>` decodes and keeps only what `NodeSummary` models.
/// A `transform` (client-go's `SetTransform`) rewrites each object before it is cached, e.g. to share storage
/// between many objects with equal content.
public final class Informer<Object: KubeResource>: Sendable {
    /// Told about every change, after the store reflects it.
    public typealias Handler = @Sendable (InformerEvent<Object>) -> Void
    /// Applied to every object as it is read (list pages and watch events), before it is held, cached and
    /// handed to handlers. It must keep the name, namespace and resourceVersion: relists compare versions.
    public typealias Transform = @Sendable (Object) -> Object

    private let options: InformerOptions
    private let store = InformerStore<Object>()
    private let reflector: Reflector<Object>
    private let handlers = Mutex<(next: Int, all: [(id: Int, handler: Handler)])>((0, []))
    /// Held while the store changes and handlers run, so handlers see events in the order of the changes,
    /// whether they come from the watch or the resync timer.
    private let delivery = Mutex(())
    private let syncSignal = SyncSignal()
    private let transform: Transform?

    /// An informer reading through `client`; nothing happens until `run()`.
    public init(
        client: KubeClient, options: InformerOptions = InformerOptions(), transform: Transform? = nil,
        logger: Logger = Logger(label: "barrelman.informer")
    ) {
        self.options = options
        self.transform = transform
        self.reflector = Reflector(client: client, options: options, logger: logger)
    }

    /// Adds a handler. Handlers run synchronously, in event order, on the informer's task after the store
    /// was updated; they must be quick (enqueue keys). A handler added after objects are cached is first
    /// told about each of them as `added`, on the caller's task, as client-go does.
    @discardableResult
    public func addHandler(_ handler: @escaping @Sendable (InformerEvent<Object>) -> Void) -> HandlerRegistration {
        delivery.withLock { _ in
            let id = handlers.withLock { handlers in
                defer { handlers.next += 1 }
                handlers.all.append((handlers.next, handler))
                return handlers.next
            }
            for object in store.list() { handler(.added(object)) }
            return HandlerRegistration(id: id)
        }
    }

    /// Removes a handler (a remote's controllers leaving a shared informer); it is told about nothing more.
    public func removeHandler(_ registration: HandlerRegistration) {
        delivery.withLock { _ in
            handlers.withLock { $0.all.removeAll { $0.id == registration.id } }
        }
    }

    /// Lists, watches and resyncs until the task is cancelled. Never throws: errors are logged and retried with backoff.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.reflector.run(into: Sink(informer: self)) }
            if let period = options.resyncPeriod, period > .zero {
                group.addTask { await self.resync(every: period) }
            }
        }
        syncSignal.finish()
    }

    /// True once the first full list (or a streaming list's initial events) is in the store; false if the
    /// waiting task is cancelled or `run()` ends first.
    public func waitUntilSynced() async -> Bool {
        await syncSignal.wait()
    }

    /// Whether the store has held a complete snapshot.
    public var hasSynced: Bool { syncSignal.isSynced }

    /// The cached object with `key`.
    public func get(_ key: ObjectKey) -> Object? { store.get(key) }

    /// All cached objects, sorted by key.
    public func list() -> [Object] { store.list() }

    /// The keys of all cached objects, sorted.
    public var keys: [ObjectKey] { store.keys() }

    /// The resourceVersion of the last snapshot, event or bookmark applied; a watch resumes from it.
    public var lastSyncResourceVersion: String? { reflector.lastSyncResourceVersion }

    /// Counters of lists, watches, restarts, relists and events.
    public var stats: InformerStats { reflector.stats }

    // MARK: delivery

    private func deliver(_ change: () -> [InformerEvent<Object>]) {
        delivery.withLock { _ in
            let events = change()
            guard !events.isEmpty else { return }
            let handlers = self.handlers.withLock { $0.all }
            for event in events {
                for (_, handler) in handlers { handler(event) }
            }
        }
    }

    private func resync(every period: Duration) async {
        while true {
            do {
                try await Task.sleep(for: period)
            } catch {
                return
            }
            // Before the first snapshot there is nothing trustworthy to resync.
            guard syncSignal.isSynced else { continue }
            // One object at a time, in key order: a batch of 10,000 events holds two copies of every object
            // at once. A key deleted meanwhile is skipped; watch events may come in between, as in client-go.
            for key in store.keys() {
                deliver { store.get(key).map { [.updated(old: $0, new: $0)] } ?? [] }
            }
            reflector.record { $0.resyncs += 1 }
        }
    }

    /// The reflector's way into the store and the handlers.
    private struct Sink: ReflectorSink {
        let informer: Informer<Object>

        func prepare(_ object: Object) -> Object {
            informer.transform.map { $0(object) } ?? object
        }

        func replace(_ snapshot: [Object], keeping unreadable: Set<ObjectKey>) {
            informer.deliver { informer.store.replace(with: snapshot, keeping: unreadable) }
            informer.syncSignal.markSynced()
        }

        func apply(_ event: WatchEvent<Object>) {
            informer.deliver { informer.store.apply(event).map { [$0] } ?? [] }
        }
    }
}
