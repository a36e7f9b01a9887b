import KubeAPI

/// What the ServiceController does to one local service.
public enum ServiceAction: Sendable, Hashable {
    case none
    /// Create this service (the namespace must exist, see `namespaceNeeded`).
    case create(Service)
    /// Replace the local service with this one: the cached object with barrelman's fields replaced.
    case update(Service)
    /// Delete the local service; `uid` is the precondition so a newer object of the same name survives.
    case delete(namespace: String, name: String, uid: String?)
    /// Write nothing: the mirror's name is held by another writer, described here (see `Ownership`).
    case conflict(holder: String)
}
