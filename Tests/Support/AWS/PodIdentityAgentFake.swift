import Foundation
import Synchronization
import TestAPIServer

/// The EKS Pod Identity agent's credentials endpoint (plain HTTP on the node): requires the pod's
/// service-account token as `Authorization` and answers with a session of the associated role.
public final class PodIdentityAgentFake: ServerRequestHandler {
    public static let path = "/v1/credentials"

    private struct State {
        var acceptedToken = "pod-identity-token-1"
        var roleARN = "arn:aws:iam::\(AWSIdentityLedger.account):role/barrelman-pod-identity"
        var lifetime: Duration = .seconds(3600)
        var tokensSeen: [String] = []
    }

    public let ledger: AWSIdentityLedger
    private let state = Mutex(State())

    public init(ledger: AWSIdentityLedger) {
        self.ledger = ledger
    }

    /// The service-account token the agent accepts (the kubelet rotates it).
    public func accept(token: String) {
        state.withLock { $0.acceptedToken = token }
    }

    public var roleARN: String { state.withLock { $0.roleARN } }

    /// Authorization values presented, oldest first.
    public var tokensSeen: [String] { state.withLock { $0.tokensSeen } }

    public func handle(_ request: ServerRequest) async -> ServerResponse {
        let presented = request.header("Authorization") ?? ""
        let (accepted, roleARN, lifetime) = state.withLock { state in
            state.tokensSeen.append(presented)
            return (state.acceptedToken, state.roleARN, state.lifetime)
        }
        guard request.method == "GET", request.path == Self.path else {
            return EKSAPIFake.json(404, ["code": "NotFound", "message": "unknown path"], headers: [])
        }
        guard presented == accepted else {
            return EKSAPIFake.json(
                401, ["code": "AccessDeniedException", "message": "Service account token cannot be empty or is invalid"],
                headers: [])
        }
        let issued = ledger.issueSession(roleARN: roleARN, sessionName: "eks-pod-identity", lifetime: lifetime)
        return EKSAPIFake.json(
            200,
            [
                "AccessKeyId": issued.accessKeyID, "SecretAccessKey": issued.secret, "Token": issued.sessionToken,
                "Expiration": ISO8601DateFormatter().string(from: issued.expiration),
                "AccountId": AWSIdentityLedger.account,
            ], headers: [])
    }
}
