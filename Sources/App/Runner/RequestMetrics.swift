import KubeAPI
import Metrics

/// `barrelman_api_requests_total{cluster,verb,resource,code}` and
/// `barrelman_api_request_duration_seconds{cluster,verb}`: what barrelman costs each API server.
struct RequestMetrics: RequestObserver {
    func requestCompleted(cluster: String, verb: String, resource: String, code: Int?, duration: Duration) {
        Counter(
            label: "barrelman_api_requests_total",
            dimensions: [("cluster", cluster), ("verb", verb), ("resource", resource), ("code", code.map(String.init) ?? "none")]
        ).increment()
        if verb != "watch" {
            let parts = duration.components
            Timer(label: "barrelman_api_request_duration_seconds", dimensions: [("cluster", cluster), ("verb", verb)])
                .recordNanoseconds(parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000)
        }
    }
}
