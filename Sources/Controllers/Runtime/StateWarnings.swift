import KubeAPI
import Synchronization

/// Warning Events that describe a state of a service: each is recorded when the service enters the state and
/// not again while it lasts, so a lasting problem is said once and a steady state writes nothing.
final class StateWarnings: Sendable {
    private let recorder: EventRecorder
    private let active = Mutex<[ObjectKey: Set<ServiceEventWarning>]>([:])

    init(recorder: EventRecorder) {
        self.recorder = recorder
    }

    /// Records those of `warnings` that were not already in force for `service`, and returns them; forgets the others.
    @discardableResult
    func update(_ service: Service, to warnings: [ServiceEventWarning]) -> [ServiceEventWarning] {
        let current = Set(warnings)
        let previous = active.withLock { active in
            defer { active[service.key] = current.isEmpty ? nil : current }
            return active[service.key] ?? []
        }
        let fresh = warnings.filter { !previous.contains($0) }
        for warning in fresh {
            recorder.record(on: service, type: Event.warning, reason: warning.reason, message: warning.message)
        }
        return fresh
    }

    /// Forgets every state of `key` (the service is no longer served).
    func clear(_ key: ObjectKey) {
        _ = active.withLock { $0.removeValue(forKey: key) }
    }
}
