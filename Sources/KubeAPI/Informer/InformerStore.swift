import Synchronization

/// An informer's cache: the last known state of every watched object, by key.
///
/// Mutations return the `InformerEvent`s they imply, so the informer can hand exactly those to its handlers.
/// Objects are stored decoded (only what `Object` models), never as raw JSON.
final class InformerStore<Object: KubeResource>: Sendable {
    private let objects = Mutex<[ObjectKey: Object]>([:])

    func get(_ key: ObjectKey) -> Object? {
        objects.withLock { $0[key] }
    }

    /// All objects, sorted by key.
    func list() -> [Object] {
        objects.withLock { objects in objects.sorted { $0.key < $1.key }.map(\.value) }
    }

    /// All keys, sorted.
    func keys() -> [ObjectKey] {
        objects.withLock { $0.keys.sorted() }
    }

    var count: Int { objects.withLock { $0.count } }

    /// Applies one watch event; returns the event for handlers (nil for bookmarks and errors).
    func apply(_ event: WatchEvent<Object>) -> InformerEvent<Object>? {
        switch event {
        case .added(let object), .modified(let object):
            // An ADDED for a known key (a watch replaying what the cache holds) is an update, as in client-go.
            let old = objects.withLock { $0.updateValue(object, forKey: ObjectKey(of: object)) }
            return old.map { .updated(old: $0, new: object) } ?? .added(object)
        case .deleted(let object):
            _ = objects.withLock { $0.removeValue(forKey: ObjectKey(of: object)) }
            return .deleted(object, finalStateUnknown: false)
        case .unreadable(let object, let deleted):
            // A deletion needs only the key. A change that cannot be read keeps the last readable state: acting
            // on a guess (or dropping the object) could delete what was mirrored from it.
            guard deleted, let old = objects.withLock({ $0.removeValue(forKey: object.key) }) else { return nil }
            return .deleted(old, finalStateUnknown: true)
        case .bookmark, .error:
            return nil
        }
    }

    /// Replaces the whole cache with a fresh snapshot. Returns `added` for new keys, `updated` where the
    /// resourceVersion changed (nothing where it did not), and `deleted(finalStateUnknown: true)` with the
    /// last known state for keys the snapshot no longer has. Keys in `unreadable` are in the snapshot but could
    /// not be read: their last known state stays.
    func replace(with snapshot: [Object], keeping unreadable: Set<ObjectKey> = []) -> [InformerEvent<Object>] {
        objects.withLock { objects in
            var events: [InformerEvent<Object>] = []
            var fresh: [ObjectKey: Object] = [:]
            fresh.reserveCapacity(snapshot.count)
            for object in snapshot {
                let key = ObjectKey(of: object)
                fresh[key] = object
                if let old = objects[key] {
                    if old.metadata.resourceVersion != object.metadata.resourceVersion {
                        events.append(.updated(old: old, new: object))
                    }
                } else {
                    events.append(.added(object))
                }
            }
            for key in unreadable { fresh[key] = objects[key] }
            let gone = objects.filter { fresh[$0.key] == nil }.sorted { $0.key < $1.key }
            for (_, object) in gone {
                events.append(.deleted(object, finalStateUnknown: true))
            }
            objects = fresh
            return events
        }
    }
}
