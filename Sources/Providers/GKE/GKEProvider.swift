#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KubeAPI

/// A GKE cluster found through the Container API (`-remote-project`, `-remote-zone`, `-remote-cluster-name`),
/// authenticated with a Google access token from a service-account key or the metadata server.
public struct GKEProvider: RemoteClusterProvider {
    package static let providerName = "gke"

    public var name: String { Self.providerName }
    public let project: String
    /// Zone or region.
    public let location: String
    public let clusterName: String
    public let usePrivateEndpoint: Bool
    /// Container API base URL, without a trailing slash.
    public let apiEndpoint: String
    /// Shared by the Container API call and every request to the cluster.
    public let tokenSource: GoogleAccessTokenSource
    private let http: GoogleHTTP

    public var displayName: String { "gke_\(project)_\(location)_\(clusterName)" }

    /// `gke/PROJECT/LOCATION/NAME`: project IDs are global, and the endpoint's IP may change.
    public func clusterIdentity(for config: ClusterConfig) -> String { "gke/\(project)/\(location)/\(clusterName)" }

    public init(flags: ProviderFlags, environment: ProviderEnvironment) throws(ProviderError) {
        guard let project = flags.remoteProject.nonEmpty else {
            throw ProviderError("the gke provider needs -remote-project (the GCP project of the remote cluster)")
        }
        guard let clusterName = flags.remoteClusterName.nonEmpty else {
            throw ProviderError("the gke provider needs -remote-cluster-name (the name of the remote GKE cluster)")
        }
        guard !flags.remoteZone.isEmpty else {
            throw ProviderError("the gke provider needs -remote-zone (the cluster's zone, or region if regional)")
        }
        self.project = project
        self.clusterName = clusterName
        self.location = flags.remoteZone
        self.usePrivateEndpoint = flags.gkeUsePrivateEndpoint
        self.apiEndpoint = try GoogleEndpoint.validated(
            flags.gkeAPIEndpoint.nonEmpty ?? "https://container.googleapis.com", origin: "-gke-api-endpoint")
        self.http = GoogleHTTP(environment: environment)

        let fetcher: any GoogleTokenFetcher
        if let path = flags.remoteCredentials.nonEmpty {
            fetcher = ServiceAccountTokenFetcher(
                key: try ServiceAccountKey.load(path: path, origin: "-remote-credentials", logger: environment.logger),
                environment: environment)
        } else if let path = environment.variable("GOOGLE_APPLICATION_CREDENTIALS") {
            fetcher = ServiceAccountTokenFetcher(
                key: try ServiceAccountKey.load(
                    path: path, origin: "GOOGLE_APPLICATION_CREDENTIALS", logger: environment.logger),
                environment: environment)
        } else {
            fetcher = MetadataServerTokenFetcher(environment: environment)
        }
        self.tokenSource = GoogleAccessTokenSource(fetcher: fetcher, logger: environment.logger)
    }

    /// `projects/P/locations/L/clusters/C`, as the Container API names it.
    public var resourceName: String { "projects/\(project)/locations/\(location)/clusters/\(clusterName)" }

    public func resolve() async throws(ProviderError) -> ClusterConfig {
        let info = try await fetchCluster()
        let chosen = usePrivateEndpoint ? info.privateEndpoint : info.endpoint
        guard let endpoint = chosen.nonEmpty else {
            throw ProviderError(
                usePrivateEndpoint
                    ? "GKE cluster \(resourceName) has no private endpoint (it is not a private cluster; drop -gke-use-private-endpoint)"
                    : "GKE cluster \(resourceName) has no public endpoint (is it still being created? for a private cluster use -gke-use-private-endpoint)")
        }
        guard let caPEM = info.caPEM else {
            throw ProviderError(
                "GKE cluster \(resourceName): masterAuth.clusterCaCertificate is missing or not a base64 PEM certificate")
        }
        return ClusterConfig(
            server: "https://\(endpoint)", tls: TLSSettings(caPEM: caPEM), credentials: tokenSource,
            displayName: displayName)
    }

    private func fetchCluster() async throws(ProviderError) -> GKEClusterInfo {
        let url = "\(apiEndpoint)/v1/\(Self.pathEscaped(resourceName))"
        var retriedAfter401 = false
        while true {
            let token = try await tokenSource.accessToken()
            let response: HTTPResponse
            do {
                response = try await http.send(
                    method: "GET", url: url, headers: [("Authorization", "Bearer \(token)"), ("Accept", "application/json")])
            } catch {
                throw ProviderError(
                    "Container API \(apiEndpoint) unreachable: \(error) (check network access to it and its TLS trust)")
            }
            let google = GoogleErrorBody.summary(response.body).map { " (\($0))" } ?? ""
            switch response.status {
            case 200:
                do {
                    return try JSONDocument.decode(GKEClusterInfo.self, from: response.body)
                } catch {
                    throw ProviderError(
                        "Container API answered for \(resourceName) with an unreadable cluster: \(error.path.joined(separator: ".")) (is -gke-api-endpoint right?)")
                }
            case 401 where !retriedAfter401:
                retriedAfter401 = true
                await tokenSource.invalidate()
            case 401:
                throw ProviderError(
                    "Container API rejected the access token of \(tokenSource.identity)\(google); check that the key or service account is enabled")
            case 403:
                throw ProviderError(
                    "Container API denied access to \(resourceName)\(google): it needs roles/container.viewer "
                        + "(Kubernetes Engine Viewer) for \(tokenSource.identity) on project \(project)")
            case 404:
                throw ProviderError(
                    "GKE cluster \"\(clusterName)\" not found in project \"\(project)\", location \"\(location)\"\(google) "
                        + "(check -remote-project, -remote-zone and -remote-cluster-name)")
            default:
                throw ProviderError(
                    "Container API answered HTTP \(response.status) for \(resourceName)\(google); retry later")
            }
        }
    }

    /// Keeps `/` and unreserved characters; anything else in flag values is percent-encoded.
    static func pathEscaped(_ path: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var escaped: [UInt8] = []
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                escaped.append(byte)
            default:
                escaped += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: escaped, as: UTF8.self)
    }
}
