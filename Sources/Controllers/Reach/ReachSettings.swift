/// How remote nodes are probed (`-node-health-*` flags).
public struct ReachSettings: Sendable, Hashable {
    /// `-node-health-check`.
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        /// The health port where it answers; a TCP connect to a node port where it answers nowhere.
        case auto
        /// Only the health port (HTTP GET).
        case http
        /// Only a TCP connect to a node port of a service using the node.
        case tcp
        /// No probing: the API's readiness alone decides.
        case off
    }

    public var mode: Mode
    /// kube-proxy's health server (`--healthz-bind-address`, 10256), what cloud load balancers probe.
    public var healthPort: Int
    /// `/healthz`, as GKE's and AWS's load balancer health checks ask it.
    public var healthPath: String
    public var period: Duration
    public var timeout: Duration
    /// Consecutive failed probes that make a reachable node unreachable: 2, so one lost probe is not a flap.
    public var failureThreshold: Int
    /// Consecutive passed probes that make an unreachable node reachable again.
    public var successThreshold: Int
    /// Probes in flight at once: bounds sockets and CPU however many nodes there are.
    public var maxConcurrentProbes: Int

    /// The defaults meet the targets: a refusing or hung node leaves the ready endpoints within 5 s (two
    /// failed probes a second apart, each waiting at most 1 s), and comes back within 5 s.
    public init(
        mode: Mode = .auto, healthPort: Int = 10256, healthPath: String = "/healthz", period: Duration = .seconds(1),
        timeout: Duration = .seconds(1), failureThreshold: Int = 2, successThreshold: Int = 2,
        maxConcurrentProbes: Int = 512
    ) {
        self.mode = mode
        self.healthPort = healthPort
        self.healthPath = healthPath
        self.period = period
        self.timeout = timeout
        self.failureThreshold = failureThreshold
        self.successThreshold = successThreshold
        self.maxConcurrentProbes = maxConcurrentProbes
    }
}
