import KubeAPI

/// What the prober needs to know each round, from the endpoint controller's state.
public struct ProbeInputs: Sendable {
    /// Every node the API calls ready and that may carry traffic, by name, with the address probes go to
    /// (its first IPv4 address, else its IPv6 one).
    public var candidates: [String: String]
    /// The candidates some served service uses.
    public var used: Set<String>
    /// A node port a TCP probe connects to: one of a served service whose traffic any node forwards
    /// (`externalTrafficPolicy: Cluster`); nil while there is none.
    public var tcpPort: Int?
    /// `externalTrafficPolicy: Local` services with a `healthCheckNodePort`: kube-proxy answers it with 200 only
    /// on nodes that hold a ready endpoint of the service, as cloud load balancers use it.
    public var serviceHealth: [ObjectKey: ServiceHealthCheck]

    public init(
        candidates: [String: String] = [:], used: Set<String> = [], tcpPort: Int? = nil,
        serviceHealth: [ObjectKey: ServiceHealthCheck] = [:]
    ) {
        self.candidates = candidates
        self.used = used
        self.tcpPort = tcpPort
        self.serviceHealth = serviceHealth
    }
}

/// One Local service's health check: its node port and the nodes it would send traffic to.
public struct ServiceHealthCheck: Sendable, Hashable {
    public var port: Int
    public var nodes: Set<String>

    public init(port: Int, nodes: Set<String>) {
        self.port = port
        self.nodes = nodes
    }
}

/// What the probes say, as the endpoint controller reads it.
public struct Reachability: Sendable, Hashable {
    /// Nodes whose probes fail (empty while failing open).
    public var unreachable: Set<String>
    /// Every probed node fails at once: nothing is taken out, since the fault is as likely on this side.
    public var failingOpen: Bool
    /// Per Local service (remote key), the nodes whose `healthCheckNodePort` says they hold no endpoint of it.
    public var serviceHealthFailing: [ObjectKey: Set<String>]

    public init(
        unreachable: Set<String> = [], failingOpen: Bool = false, serviceHealthFailing: [ObjectKey: Set<String>] = [:]
    ) {
        self.unreachable = unreachable
        self.failingOpen = failingOpen
        self.serviceHealthFailing = serviceHealthFailing
    }

    /// No probe says anything: the API alone decides.
    public static let unknown = Reachability()
}
