import AppSupport
import ArgumentParser
import Controllers

/// `-node-health-*`: how remote nodes are probed (README "Reachability").
struct ReachOptions: ParsableArguments {
    @Option(
        name: goFlag("node-health-check"),
        help: "auto (the health port where it answers, else a TCP connect to a node port), http, tcp or off.")
    var nodeHealthCheck: String = "auto"
    @Option(name: goFlag("node-health-port"), help: "kube-proxy's health port on the remote nodes.")
    var nodeHealthPort: Int = 10256
    @Option(name: goFlag("node-health-period"), help: "How often each node is probed (Go duration).")
    var nodeHealthPeriod: String = "1s"
    @Option(name: goFlag("node-health-timeout"), help: "How long a probe waits for an answer (Go duration).")
    var nodeHealthTimeout: String = "1s"
    @Option(name: goFlag("node-health-failure-threshold"), help: "Failed probes in a row that take a node out.")
    var nodeHealthFailureThreshold: Int = 2
    @Option(name: goFlag("node-health-success-threshold"), help: "Passed probes in a row that bring it back.")
    var nodeHealthSuccessThreshold: Int = 2

    static let flagNames: Set<String> = [
        "node-health-check", "node-health-port", "node-health-period", "node-health-timeout",
        "node-health-failure-threshold", "node-health-success-threshold",
    ]

    /// The prober's settings; throws a ValidationError naming the bad flag.
    func resolved() throws -> ReachSettings {
        guard let mode = ReachSettings.Mode(rawValue: nodeHealthCheck.lowercased()) else {
            throw ValidationError("-node-health-check \(nodeHealthCheck): use auto, http, tcp or off")
        }
        guard (1...65535).contains(nodeHealthPort) else {
            throw ValidationError("-node-health-port \(nodeHealthPort): must be a port, 1 to 65535")
        }
        guard let period = GoDuration.parse(nodeHealthPeriod), period >= .milliseconds(100) else {
            throw ValidationError("-node-health-period \(nodeHealthPeriod): use a duration of at least 100ms, e.g. 1s")
        }
        guard let timeout = GoDuration.parse(nodeHealthTimeout), timeout >= .milliseconds(10) else {
            throw ValidationError("-node-health-timeout \(nodeHealthTimeout): use a duration of at least 10ms, e.g. 1s")
        }
        guard nodeHealthFailureThreshold >= 1, nodeHealthSuccessThreshold >= 1 else {
            throw ValidationError("-node-health-failure-threshold and -node-health-success-threshold must be at least 1")
        }
        return ReachSettings(
            mode: mode, healthPort: nodeHealthPort, period: period, timeout: timeout,
            failureThreshold: nodeHealthFailureThreshold, successThreshold: nodeHealthSuccessThreshold)
    }
}
