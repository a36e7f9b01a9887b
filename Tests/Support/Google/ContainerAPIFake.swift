import Foundation
import Synchronization
import TestAPIServer

/// Google's Container API (`GET /v1/projects/P/locations/L/clusters/C`), answering for configured clusters
/// with Google's status codes and JSON error bodies. Requires a valid token from the ledger.
public final class ContainerAPIFake: ServerRequestHandler {
    /// What the fake says about one cluster.
    public struct Cluster: Sendable {
        /// `host:port` or an IP, as Google returns it (no scheme).
        public var endpoint: String
        public var privateEndpoint: String?
        public var caPEM: [UInt8]

        public init(endpoint: String, privateEndpoint: String? = nil, caPEM: [UInt8]) {
            self.endpoint = endpoint
            self.privateEndpoint = privateEndpoint
            self.caPEM = caPEM
        }
    }

    private struct State {
        var clusters: [String: Cluster] = [:]
        /// Subjects denied everything (no roles/container.viewer).
        var denied: Set<String> = []
        var requests = 0
    }

    private let state = Mutex(State())
    private let ledger: GoogleTokenLedger

    public init(ledger: GoogleTokenLedger) {
        self.ledger = ledger
    }

    public func addCluster(project: String, location: String, name: String, _ cluster: Cluster) {
        state.withLock { $0.clusters["projects/\(project)/locations/\(location)/clusters/\(name)"] = cluster }
    }

    /// Makes every request by `subject` a 403, as a missing IAM role does.
    public func deny(subject: String) {
        state.withLock { _ = $0.denied.insert(subject) }
    }

    /// Requests received (any outcome).
    public var requestCount: Int { state.withLock { $0.requests } }

    public func handle(_ request: ServerRequest) async -> ServerResponse {
        state.withLock { $0.requests += 1 }
        let bearerPrefix = "Bearer "
        guard let authorization = request.header("Authorization"), authorization.hasPrefix(bearerPrefix),
            let subject = ledger.subject(ofValid: String(authorization.dropFirst(bearerPrefix.count)))
        else {
            return Self.error(
                401, "UNAUTHENTICATED",
                "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.")
        }
        let components = request.path.split(separator: "/").map(String.init)
        guard request.method == "GET", components.count == 7, components[0] == "v1", components[1] == "projects",
            components[3] == "locations", components[5] == "clusters"
        else { return Self.error(404, "NOT_FOUND", "Requested entity was not found.") }
        let (project, location, name) = (components[2], components[4], components[6])
        let resource = "projects/\(project)/locations/\(location)/clusters/\(name)"
        let (cluster, denied, knownProject) = state.withLock { state in
            (state.clusters[resource], state.denied.contains(subject),
             state.clusters.keys.contains { $0.hasPrefix("projects/\(project)/") })
        }
        // Like Google: no permission (or a project you cannot see) is a 403, a missing cluster a 404.
        guard !denied, knownProject else {
            return Self.error(
                403, "PERMISSION_DENIED",
                "Required \"container.clusters.get\" permission(s) for \"\(resource)\".")
        }
        guard let cluster else {
            return Self.error(404, "NOT_FOUND", "Not found: \(resource).")
        }
        var body: [String: Any] = [
            "name": name, "location": location, "status": "RUNNING", "endpoint": cluster.endpoint,
            "masterAuth": ["clusterCaCertificate": Data(cluster.caPEM).base64EncodedString()],
            "selfLink": "https://container.googleapis.com/v1/\(resource)",
        ]
        if let privateEndpoint = cluster.privateEndpoint {
            body["privateClusterConfig"] = [
                "enablePrivateNodes": true, "privateEndpoint": privateEndpoint, "publicEndpoint": cluster.endpoint,
            ]
        }
        return OAuth2TokenEndpointFake.json(200, body)
    }

    static func error(_ code: Int, _ status: String, _ message: String) -> ServerResponse {
        OAuth2TokenEndpointFake.json(code, ["error": ["code": code, "message": message, "status": status]])
    }
}
