import KubeAPI

/// Tokens of the VM's (or GKE workload identity's) default service account from the GCE metadata server.
public struct MetadataServerTokenFetcher: GoogleTokenFetcher {
    /// `host[:port]`: `GCE_METADATA_HOST`, else 169.254.169.254.
    public let host: String
    private let http: GoogleHTTP

    public init(environment: ProviderEnvironment) {
        host = environment.variable("GCE_METADATA_HOST") ?? "169.254.169.254"
        http = GoogleHTTP(environment: environment)
    }

    public var identity: String { "the default service account of the GCE metadata server at \(host)" }

    public func fetchToken() async throws(ProviderError) -> GoogleAccessToken {
        // The metadata server speaks plain HTTP on a link-local address by design.
        let url = "http://\(host)/computeMetadata/v1/instance/service-accounts/default/token"
        let source = "GCE metadata server \(host)"
        let response: HTTPResponse
        do {
            response = try await http.send(method: "GET", url: url, headers: [("Metadata-Flavor", "Google")])
        } catch {
            throw ProviderError(
                "\(source) unreachable: \(error) (outside GCE/GKE set -remote-credentials or "
                    + "GOOGLE_APPLICATION_CREDENTIALS to a service-account key file)")
        }
        switch response.status {
        case 200:
            return try GoogleTokenResponse.parse(response.body, source: source)
        case 404:
            throw ProviderError(
                "\(source) has no default service account (attach one to the VM or node pool, or use -remote-credentials)")
        default:
            let summary = GoogleErrorBody.summary(response.body).map { ": \($0)" } ?? ""
            throw ProviderError("\(source) answered HTTP \(response.status)\(summary) when asked for a token")
        }
    }
}
