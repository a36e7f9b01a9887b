import KubeAPI
import Logging
import Synchronization

/// Name clashes between writers: this instance wants an object that another writer holds. The first owner
/// keeps it; this instance writes nothing to it and says so once per clash (one Warning Event, one log line,
/// one count of `barrelman_ownership_conflicts_total`), not once per reconcile, so a clash is never a write storm.
public final class OwnershipConflicts: Sendable {
    /// One clash: what, where, and who holds it.
    struct Clash: Hashable {
        var resource: String
        var key: ObjectKey
        var holder: String
    }

    private let recorder: EventRecorder
    private let metrics: ControllerMetrics
    private let logger: Logger
    private let reported = Mutex<[ObjectKey: [Clash: ContinuousClock.Instant]]>([:])

    init(recorder: EventRecorder, metrics: ControllerMetrics, logger: Logger) {
        self.recorder = recorder
        self.metrics = metrics
        self.logger = logger
    }

    /// Reports that `holder` holds the `resource` of `service` that this instance would write; once per clash.
    func report(resource: String, service: Service, holder: String, detail: String) {
        let clash = Clash(resource: resource, key: service.key, holder: holder)
        let fresh = reported.withLock { $0[clash.key, default: [:]].updateValue(.now, forKey: clash) == nil }
        guard fresh else { return }
        metrics.ownershipConflict(resource: resource)
        let message = "\(resource) \(service.key) is held by \(holder); \(detail)"
        logger.warning("ownership conflict: \(message)")
        recorder.record(on: service, type: Event.warning, reason: "OwnershipConflict", message: message)
    }

    /// Forgets the clashes over `key`'s `resource` (resolved), so a new one is reported again.
    func resolved(_ key: ObjectKey, resource: String) {
        reported.withLock { reported in
            reported[key] = reported[key]?.filter { $0.key.resource != resource }
            if reported[key]?.isEmpty == true { reported[key] = nil }
        }
    }

    /// Whether `key` has an unresolved clash of `resource` last seen less than `interval` ago: a write
    /// that would only meet it again is not worth sending before then.
    func isReported(_ key: ObjectKey, resource: String, within interval: Duration) -> Bool {
        let now = ContinuousClock.now
        return reported.withLock { reported in
            reported[key]?.contains { $0.key.resource == resource && $0.value.duration(to: now) < interval } ?? false
        }
    }
}
