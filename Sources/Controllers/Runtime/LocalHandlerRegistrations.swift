import KubeAPI

/// The handlers one remote's controllers added to the shared local informers, so that removing the remote takes
/// them off again (the local caches live on for the other remotes).
public struct LocalHandlerRegistrations: Sendable {
    private var removals: [@Sendable () -> Void] = []

    public init() {}

    mutating func add<Object>(_ registration: HandlerRegistration, on informer: Informer<Object>) {
        removals.append { informer.removeHandler(registration) }
    }

    mutating func add(_ other: LocalHandlerRegistrations) {
        removals += other.removals
    }

    func removeAll() {
        for remove in removals { remove() }
    }
}
