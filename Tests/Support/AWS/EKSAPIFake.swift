import Foundation
import Synchronization
import TestAPIServer

/// The EKS API's `DescribeCluster` (`GET /clusters/{name}`): verifies the SigV4 signature (service `eks`),
/// answers for configured clusters, with EKS's error types and JSON bodies.
public final class EKSAPIFake: ServerRequestHandler {
    /// What the fake says about one cluster.
    public struct Cluster: Sendable {
        /// `https://host:port`.
        public var endpoint: String
        public var caPEM: [UInt8]
        public var status: String

        public init(endpoint: String, caPEM: [UInt8], status: String = "ACTIVE") {
            self.endpoint = endpoint
            self.caPEM = caPEM
            self.status = status
        }
    }

    private struct State {
        var clusters: [String: Cluster] = [:]
        /// Principals (caller ARNs) without eks:DescribeCluster.
        var denied: Set<String> = []
        var callers: [String] = []
    }

    public let ledger: AWSIdentityLedger
    public let region: String
    private let state = Mutex(State())

    public init(ledger: AWSIdentityLedger, region: String) {
        self.ledger = ledger
        self.region = region
    }

    public func addCluster(name: String, _ cluster: Cluster) {
        state.withLock { $0.clusters[name] = cluster }
    }

    public func setStatus(_ status: String, of name: String) {
        state.withLock { $0.clusters[name]?.status = status }
    }

    /// Makes DescribeCluster by `callerARN` an AccessDeniedException, as a missing IAM permission does.
    public func deny(callerARN: String) {
        state.withLock { _ = $0.denied.insert(callerARN) }
    }

    /// The ARNs of the callers whose signatures verified, oldest first.
    public var callers: [String] { state.withLock { $0.callers } }

    public func handle(_ request: ServerRequest) async -> ServerResponse {
        let signer: SigV4Check.Signer
        switch SigV4Check.verifyHeader(request, service: "eks", region: region, ledger: ledger) {
        case .failure(let refusal):
            let type = refusal.code == "SignatureDoesNotMatch" ? "InvalidSignatureException" : "UnrecognizedClientException"
            return Self.error(403, type, refusal.message)
        case .success(let verified):
            signer = verified
        }
        let components = request.path.split(separator: "/").map(String.init)
        guard request.method == "GET", components.count == 2, components[0] == "clusters" else {
            return Self.error(404, "NotFoundException", "Unknown path \(request.path)")
        }
        let name = components[1]
        let arn = "arn:aws:eks:\(region):\(AWSIdentityLedger.account):cluster/\(name)"
        let (cluster, denied) = state.withLock { state in
            state.callers.append(signer.arn)
            return (state.clusters[name], state.denied.contains(signer.arn))
        }
        guard !denied else {
            return Self.error(
                403, "AccessDeniedException",
                "User: \(signer.arn) is not authorized to perform: eks:DescribeCluster on resource: \(arn)")
        }
        guard let cluster else {
            return Self.error(404, "ResourceNotFoundException", "No cluster found for name: \(name).")
        }
        let body: [String: Any] = [
            "cluster": [
                "name": name, "arn": arn, "endpoint": cluster.endpoint, "status": cluster.status, "version": "1.33",
                "certificateAuthority": ["data": Data(cluster.caPEM).base64EncodedString()],
            ]
        ]
        return Self.json(200, body, headers: [])
    }

    static func error(_ status: Int, _ type: String, _ message: String) -> ServerResponse {
        json(status, ["message": message], headers: [("x-amzn-ErrorType", "\(type):http://internal.amazon.com/coral/com.amazonaws.eks/")])
    }

    static func json(_ status: Int, _ object: [String: Any], headers: [(name: String, value: String)]) -> ServerResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return ServerResponse(
            status: status, headers: [("Content-Type", "application/json")] + headers, body: .bytes(Array(data)))
    }
}
