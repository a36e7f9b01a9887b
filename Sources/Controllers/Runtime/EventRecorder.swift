import KubeAPI
import Logging
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// Writes Kubernetes Events about local objects, so `kubectl describe service` shows what barrelman did
/// and why it could not. The same event for the same object is written at most once per `interval`,
/// so a problem that persists cannot turn into a write storm.
///
/// Recording never waits for the API: events queue up and `run()` writes them in the background (as
/// client-go's broadcaster does), so a reconcile's latency is its own writes only. When the queue is full,
/// new events are dropped rather than slowing the controllers.
public final class EventRecorder: Sendable {
    private let client: KubeClient
    private let component: String
    private let interval: Duration
    private let dryRun: Bool
    private let logger: Logger
    private let recent = Mutex<[String: ContinuousClock.Instant]>([:])
    private let pending: AsyncStream<Event>
    private let enqueue: AsyncStream<Event>.Continuation
    /// While this says the controllers have writes waiting, events wait (at most `maxDeferral` each): the data
    /// path converges first, as kube-apiserver serves writes one at a time per priority level.
    private let busy = Mutex<(@Sendable () -> Bool)?>(nil)
    private let maxDeferral: Duration = .seconds(10)

    public init(
        client: KubeClient, component: String = "barrelman", interval: Duration = .seconds(600), dryRun: Bool = false,
        logger: Logger
    ) {
        self.client = client
        self.component = component
        self.interval = interval
        self.dryRun = dryRun
        self.logger = logger
        (pending, enqueue) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingOldest(1000))
    }

    /// Holds events back while `controllersBusy` is true (at most `maxDeferral` per event).
    public func deferWhile(_ controllersBusy: @escaping @Sendable () -> Bool) {
        busy.withLock { $0 = controllersBusy }
    }

    /// Writes queued events until the task is cancelled.
    public func run() async {
        await withTaskCancellationHandler {
            for await event in pending {
                if let controllersBusy = busy.withLock({ $0 }) {
                    let start = ContinuousClock.now
                    while controllersBusy(), start.duration(to: .now) < maxDeferral, !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(50))
                    }
                }
                do {
                    try await client.createIgnoringResponse(event)
                } catch {
                    logger.debug(
                        "could not record event \(event.reason ?? "") on \(event.involvedObject.namespace ?? "")/\(event.involvedObject.name ?? ""): \(error)")
                }
            }
        } onCancel: { [enqueue] in
            enqueue.finish()
        }
    }

    /// Records `reason` on the service; failures are logged, never thrown (an event is not worth a retry).
    public func record(on service: Service, type: String, reason: String, message: String) {
        let namespace = service.metadata.namespace ?? "default"
        record(
            on: ObjectReference(
                apiVersion: "v1", kind: "Service", namespace: namespace, name: service.metadata.name,
                uid: service.metadata.uid, resourceVersion: service.metadata.resourceVersion),
            in: namespace, type: type, reason: reason, message: message)
    }

    /// Records `reason` about a remote node. Events of cluster-scoped objects live in `default`, as the
    /// kubelet's node Events do; the node itself is the remote cluster's, so the reference carries no uid.
    public func record(onRemoteNode name: String, type: String, reason: String, message: String) {
        record(
            on: ObjectReference(apiVersion: "v1", kind: "Node", name: name), in: "default", type: type, reason: reason,
            message: message)
    }

    private func record(on object: ObjectReference, in namespace: String, type: String, reason: String, message: String) {
        let name = object.name ?? ""
        let key = "\(namespace)/\(object.kind ?? "")/\(name)/\(type)/\(reason)/\(message)"
        let now = ContinuousClock.now
        let fresh = recent.withLock { recent -> Bool in
            if let last = recent[key], last.duration(to: now) < interval { return false }
            recent[key] = now
            if recent.count > 10_000 { recent = recent.filter { $0.value.duration(to: now) < interval } }
            return true
        }
        guard fresh else { return }
        guard !dryRun else {
            logger.info("dry run: would record event \(reason) on \(object.kind ?? "") \(namespace)/\(name): \(message)")
            return
        }
        let timestamp = MicroTime.format(Date())
        let event = Event(
            metadata: ObjectMeta(generateName: name + ".", namespace: namespace), involvedObject: object,
            reason: reason, message: message, type: type, source: EventSource(component: component),
            firstTimestamp: timestamp, lastTimestamp: timestamp, count: 1, reportingComponent: component)
        if case .dropped = enqueue.yield(event) {
            logger.debug("event queue full: dropped event \(reason) on \(namespace)/\(name)")
        }
    }
}
