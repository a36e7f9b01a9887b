import KubeAPI
import Metrics

/// The controllers' metrics, with the original barrelman's names (the compatibility contract), emitted
/// through swift-metrics so the App decides the backend (Prometheus).
public struct ControllerMetrics: Sendable {
    /// With many remotes in one process, the remote's name: a `remote` label on the gauges that describe one
    /// remote, which would otherwise overwrite each other. nil (one remote) keeps the original's series.
    public var remote: String?

    public init(remote: String? = nil) {
        self.remote = remote
    }

    private var remoteDimension: [(String, String)] { remote.map { [("remote", $0)] } ?? [] }

    /// `barrelman_current_nodes_count`: nodes in the remote cluster.
    public func currentNodes(_ count: Int) {
        Gauge(label: "barrelman_current_nodes_count", dimensions: remoteDimension).record(count)
    }

    /// `barrelman_endpoint_update_total`: endpoint syncs done.
    public func endpointsUpdated() {
        Counter(label: "barrelman_endpoint_update_total").increment()
    }

    /// `barrelman_endpoint_update_error_total`: endpoint syncs failed.
    public func endpointsUpdateFailed() {
        Counter(label: "barrelman_endpoint_update_error_total").increment()
    }

    /// `barrelman_service_update_total{action}` with action Add, Update, Delete or None.
    public func serviceUpdated(action: String) {
        Counter(label: "barrelman_service_update_total", dimensions: [("action", action)]).increment()
    }

    /// `barrelman_service_update_error_total{action}`.
    public func serviceUpdateFailed(action: String) {
        Counter(label: "barrelman_service_update_error_total", dimensions: [("action", action)]).increment()
    }

    /// `barrelman_services_queued_total{controller, requeued}`.
    public func serviceQueued(controller: String, requeued: Bool) {
        Counter(
            label: "barrelman_services_queued_total",
            dimensions: [("controller", controller), ("requeued", requeued ? "true" : "false")]
        ).increment()
    }

    /// `barrelman_federated_port_conflicts_total`: a federated service's source had ports left out of its slices
    /// (a port name an older source uses with another protocol or port).
    public func federatedPortConflict() {
        Counter(label: "barrelman_federated_port_conflicts_total").increment()
    }

    /// `barrelman_ownership_conflicts_total{resource}`: objects this instance would write that another writer holds.
    public func ownershipConflict(resource: String) {
        Counter(label: "barrelman_ownership_conflicts_total", dimensions: [("resource", resource)]).increment()
    }

    /// `barrelman_node_probes_total{result}` and `barrelman_node_probe_duration_seconds`, for a batch of probes
    /// (result label, duration): the metric handles are looked up once per batch, not once per probe.
    public func nodesProbed(_ probes: [(result: String, duration: Duration)]) {
        guard !probes.isEmpty else { return }
        var counts: [String: Int] = [:]
        let timer = Timer(label: "barrelman_node_probe_duration_seconds")
        for probe in probes {
            counts[probe.result, default: 0] += 1
            timer.record(duration: probe.duration)
        }
        for (result, count) in counts {
            Counter(label: "barrelman_node_probes_total", dimensions: [("result", result)]).increment(by: count)
        }
    }

    /// `barrelman_remote_nodes_unreachable`: nodes whose probes fail (all probed ones while failing open).
    public func remoteNodesUnreachable(_ count: Int) {
        Gauge(label: "barrelman_remote_nodes_unreachable", dimensions: remoteDimension).record(count)
    }

    /// `barrelman_services_failing_open`: services whose every node fails its probes, kept ready.
    public func servicesFailingOpen(_ count: Int) {
        Gauge(label: "barrelman_services_failing_open", dimensions: remoteDimension).record(count)
    }

    /// `barrelman_leading_remotes`: the remotes whose mirror this process runs (it leads their Lease).
    public func leadingRemotes(_ count: Int) {
        Gauge(label: "barrelman_leading_remotes").record(count)
    }

    /// `barrelman_leading_remote{remote}`: 1 while this process leads the remote, else 0.
    public func leadingRemote(_ remote: String, _ leading: Bool) {
        Gauge(label: "barrelman_leading_remote", dimensions: [("remote", remote)]).record(leading ? 1 : 0)
    }

    /// The work queues' own metrics.
    public var workQueue: any WorkQueueMetrics { WorkQueueMetricsAdapter(remoteDimension: remoteDimension) }
}

/// `barrelman_workqueue_*{name}`: depth, adds, retries, time queued and time processing, per controller.
struct WorkQueueMetricsAdapter: WorkQueueMetrics {
    var remoteDimension: [(String, String)]

    func added(queue: String) {
        Counter(label: "barrelman_workqueue_adds_total", dimensions: [("name", queue)]).increment()
    }

    func depthChanged(queue: String, depth: Int) {
        Gauge(label: "barrelman_workqueue_depth", dimensions: [("name", queue)] + remoteDimension).record(depth)
    }

    func retried(queue: String) {
        Counter(label: "barrelman_workqueue_retries_total", dimensions: [("name", queue)]).increment()
    }

    func queuedFor(queue: String, duration: Duration) {
        Timer(label: "barrelman_workqueue_queue_duration_seconds", dimensions: [("name", queue)]).record(duration: duration)
    }

    func processed(queue: String, duration: Duration) {
        Timer(label: "barrelman_workqueue_work_duration_seconds", dimensions: [("name", queue)]).record(duration: duration)
    }
}

extension Timer {
    func record(duration: Duration) {
        let parts = duration.components
        recordNanoseconds(parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000)
    }
}
