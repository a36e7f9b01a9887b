/// What an informer tells its handlers, after its cache already reflects the change.
public enum InformerEvent<Object: KubeResource>: Sendable {
    /// A new object (from a watch, a (re)list, or the replay for a handler added late).
    case added(Object)
    /// A changed object; a resync delivers `updated(old: x, new: x)` for every cached object.
    case updated(old: Object, new: Object)
    /// A removed object. `finalStateUnknown` is true when the delete was inferred from a relist: the object
    /// is the last state the informer knew, not the state it was deleted in.
    case deleted(Object, finalStateUnknown: Bool)

    /// The object the event is about (the new one for updates).
    public var object: Object {
        switch self {
        case .added(let object), .updated(_, let object), .deleted(let object, _): return object
        }
    }

    /// The key of the object the event is about.
    public var key: ObjectKey { ObjectKey(of: object) }
}

/// One handler added to an informer, to remove it again.
public struct HandlerRegistration: Sendable, Hashable {
    let id: Int
}
