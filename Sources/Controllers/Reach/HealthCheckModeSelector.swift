/// Decides, round by round, how nodes are probed under `-node-health-check auto`.
///
/// Cloud load balancers probe kube-proxy's health port, but between clusters a firewall often opens only the
/// node-port range (GKE's and EKS's defaults). So: probe the health port; if it answers on no node for a whole
/// round (`failureThreshold` rounds once it had answered), fall back to TCP connects to node ports and say so
/// once; while on TCP, try the health port again every `recheckRounds` rounds, and go back to it once it answers.
/// A node that answers the health port with an error (503: kube-proxy unhealthy) counts as an answer: that is
/// the health port working, and the node failing.
public struct HealthCheckModeSelector: Sendable, Hashable {
    public enum Probing: Sendable, Hashable {
        /// Health port, HTTP.
        case http
        /// TCP connect to a node port.
        case tcp
    }

    /// What one round of probes saw of the health port.
    public struct Round: Sendable, Hashable {
        /// Nodes whose health port was probed this round.
        public var healthProbes: Int
        /// Of those, how many gave any HTTP answer.
        public var healthAnswers: Int

        public init(healthProbes: Int, healthAnswers: Int) {
            self.healthProbes = healthProbes
            self.healthAnswers = healthAnswers
        }
    }

    /// What a round's results change.
    public enum Change: Sendable, Hashable {
        case none
        /// The health port answered nowhere: from now on, TCP.
        case fellBackToTCP
        /// The health port answers again.
        case backToHealthPort
    }

    public private(set) var probing: Probing
    private let fixed: Bool
    private let failureThreshold: Int
    private let recheckRounds: Int
    private var silentRounds = 0
    private var roundsOnTCP = 0

    public init(mode: ReachSettings.Mode, failureThreshold: Int, recheckRounds: Int = 30) {
        probing = mode == .tcp ? .tcp : .http
        fixed = mode != .auto
        self.failureThreshold = max(1, failureThreshold)
        self.recheckRounds = max(1, recheckRounds)
    }

    /// Whether this round also probes the health port on one node while on TCP, to notice it opening.
    public var rechecksHealthPort: Bool {
        !fixed && probing == .tcp && roundsOnTCP % recheckRounds == recheckRounds - 1
    }

    /// Takes a finished round into account.
    public mutating func record(_ round: Round) -> Change {
        guard !fixed else { return .none }
        switch probing {
        case .http:
            guard round.healthProbes > 0 else { return .none }
            silentRounds = round.healthAnswers == 0 ? silentRounds + 1 : 0
            guard silentRounds >= failureThreshold else { return .none }
            probing = .tcp
            silentRounds = 0
            roundsOnTCP = 0
            return .fellBackToTCP
        case .tcp:
            roundsOnTCP += 1
            guard round.healthAnswers > 0 else { return .none }
            probing = .http
            return .backToHealthPort
        }
    }
}
