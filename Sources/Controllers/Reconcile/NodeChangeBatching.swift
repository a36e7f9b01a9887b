/// When a change of which remote nodes take traffic is applied to the services.
///
/// Nodes that come, go or change readiness rarely do so alone: a zone outage, an upgrade's surge or a
/// cluster autoscaler scale-down marks hundreds within seconds. Applying each step rewrites every service's
/// endpoints for a state that lasts a fraction of a second, and rewrites them again for the next (the cloud
/// service controller batches node changes for load balancers for the same reason). So such a change waits
/// until node events have been quiet for `quiet`, and never longer than `maxDelay` after it was first seen.
/// Address-only changes do not wait: they touch only the services using those nodes.
public struct NodeChangeBatching: Sendable, Equatable {
    public var quiet: Duration
    public var maxDelay: Duration

    public static let `default` = NodeChangeBatching(quiet: .milliseconds(500), maxDelay: .seconds(5))
    /// Every change applied at once (tests of other behaviour, and the original's behaviour).
    public static let none = NodeChangeBatching(quiet: .zero, maxDelay: .zero)

    public init(quiet: Duration, maxDelay: Duration) {
        self.quiet = quiet
        self.maxDelay = maxDelay
    }

    public enum Decision: Sendable, Equatable {
        case apply
        /// Look again after this long.
        case wait(Duration)
    }

    /// `sinceLastEvent`: time since the last node event; `sinceFirstSeen`: since this change was first held back.
    public func decide(sinceLastEvent: Duration, sinceFirstSeen: Duration) -> Decision {
        guard sinceLastEvent < quiet, sinceFirstSeen < maxDelay else { return .apply }
        return .wait(min(quiet - sinceLastEvent, maxDelay - sinceFirstSeen))
    }
}
