#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where and how a `LeaderElector` campaigns. Durations as in client-go: `leaseDuration` > `renewDeadline`
/// > 1.2 × `retryPeriod`.
public struct LeaderElectionConfig: Sendable {
    public var leaseNamespace: String
    public var leaseName: String
    /// This candidate's name in `holderIdentity`; unique per process.
    public var identity: String
    /// How long others wait, after they last saw the lease change, before taking it over.
    public var leaseDuration: Duration = .seconds(15)
    /// How long the leader keeps trying to renew before it stops leading.
    public var renewDeadline: Duration = .seconds(10)
    /// The pause between attempts to acquire or renew.
    public var retryPeriod: Duration = .seconds(2)
    /// Whether cancelling `run` clears the lease so a successor takes over at once.
    public var releaseOnCancel: Bool = true

    public init(
        leaseNamespace: String, leaseName: String, identity: String, leaseDuration: Duration = .seconds(15),
        renewDeadline: Duration = .seconds(10), retryPeriod: Duration = .seconds(2), releaseOnCancel: Bool = true
    ) {
        self.leaseNamespace = leaseNamespace
        self.leaseName = leaseName
        self.identity = identity
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
        self.releaseOnCancel = releaseOnCancel
    }

    /// `POD_NAME` (else the host name) plus `_` and a random suffix, so restarts never share an identity.
    public static func defaultIdentity(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        let base = environment["POD_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? ProcessInfo.processInfo.hostName
        return base + "_" + UUID().uuidString.lowercased()
    }

    /// Why these durations cannot keep leaders apart, or nil when they are consistent.
    public var inconsistency: String? {
        if leaseDuration <= renewDeadline {
            return "leaseDuration must be greater than renewDeadline, or a lost leader may still lead when another takes over"
        }
        if renewDeadline <= retryPeriod * LeaderElector.jitterFactor {
            return "renewDeadline must be greater than retryPeriod × \(LeaderElector.jitterFactor)"
        }
        return nil
    }
}
