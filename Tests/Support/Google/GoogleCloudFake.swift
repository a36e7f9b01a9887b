import Foundation
import TestAPIServer

/// Google's OAuth2 token endpoint, Container API and GCE metadata server, in-process on loopback.
/// The HTTPS fakes use a test CA whose PEM is written to `caFile`: pass it as `SSL_CERT_FILE`.
public final class GoogleCloudFake: CloudFake {
    public let ledger: GoogleTokenLedger
    public let tokenEndpoint: OAuth2TokenEndpointFake
    public let containerAPI: ContainerAPIFake
    public let metadataServer: MetadataServerFake
    /// `https://127.0.0.1:PORT/token`: what generated keys put in `token_uri`.
    public let tokenURL: String
    /// `https://127.0.0.1:PORT`: pass as `gkeAPIEndpoint`.
    public let containerAPIURL: String
    /// `127.0.0.1:PORT`: pass as `GCE_METADATA_HOST`.
    public let metadataHost: String
    /// The test CA's certificate, PEM, in a temporary file.
    public let caFile: String
    private let directory: String
    private let tokenServer: HTTPSServer
    private let containerServer: HTTPSServer
    private let metadataHTTP: LoopbackHTTPServer

    private init(
        ledger: GoogleTokenLedger, tokenEndpoint: OAuth2TokenEndpointFake, containerAPI: ContainerAPIFake,
        metadataServer: MetadataServerFake, tokenURL: String, containerAPIURL: String, caFile: String,
        directory: String, tokenServer: HTTPSServer, containerServer: HTTPSServer, metadataHTTP: LoopbackHTTPServer
    ) {
        self.ledger = ledger
        self.tokenEndpoint = tokenEndpoint
        self.containerAPI = containerAPI
        self.metadataServer = metadataServer
        self.tokenURL = tokenURL
        self.containerAPIURL = containerAPIURL
        self.metadataHost = metadataHTTP.hostAndPort
        self.caFile = caFile
        self.directory = directory
        self.tokenServer = tokenServer
        self.containerServer = containerServer
        self.metadataHTTP = metadataHTTP
    }

    public static func start() async throws -> GoogleCloudFake {
        let tls = try FakeCloudTLS(name: "fake-google")
        let ledger = GoogleTokenLedger()
        let tokenEndpoint = OAuth2TokenEndpointFake(ledger: ledger)
        let containerAPI = ContainerAPIFake(ledger: ledger)
        let metadataServer = MetadataServerFake(ledger: ledger)
        let tokenServer = HTTPSServer(tls: tls.material, handler: tokenEndpoint)
        let containerServer = HTTPSServer(tls: tls.material, handler: containerAPI)
        let tokenPort = try await tokenServer.start()
        let containerPort = try await containerServer.start()
        let metadataHTTP = try LoopbackHTTPServer(handler: metadataServer)
        let tokenURL = "https://127.0.0.1:\(tokenPort)/token"
        tokenEndpoint.url = tokenURL

        return GoogleCloudFake(
            ledger: ledger, tokenEndpoint: tokenEndpoint, containerAPI: containerAPI, metadataServer: metadataServer,
            tokenURL: tokenURL, containerAPIURL: "https://127.0.0.1:\(containerPort)", caFile: tls.caFile,
            directory: tls.directory, tokenServer: tokenServer, containerServer: containerServer,
            metadataHTTP: metadataHTTP)
    }

    /// A new RSA-2048 service-account key whose `token_uri` is this fake, registered with it.
    public func makeServiceAccountKey(
        clientEmail: String = "barrelman@test-project.iam.gserviceaccount.com", projectID: String = "test-project"
    ) throws -> ServiceAccountKeyFixture {
        let key = try ServiceAccountKeyFixture.generate(clientEmail: clientEmail, projectID: projectID, tokenURI: tokenURL)
        tokenEndpoint.register(key)
        return key
    }

    /// Makes `server` accept every token issued from now on, until it expires (as the GKE API server does).
    public func trustIssuedTokens(on server: TestAPIServer) {
        let authenticator = server.state.authenticator
        ledger.observe { token, subject, lifetime in
            authenticator.addUser(token: token, name: subject)
            Task {
                try? await Task.sleep(for: lifetime)
                authenticator.removeToken(token)
            }
        }
    }

    /// Registers `server` as a GKE cluster whose endpoint is its `127.0.0.1:port` and CA its CA.
    public func addCluster(
        project: String = "test-project", location: String = "europe-west1-c", name: String = "remote",
        server: TestAPIServer, privateEndpoint: String? = nil, publicEndpoint: String? = nil
    ) {
        containerAPI.addCluster(
            project: project, location: location, name: name,
            ContainerAPIFake.Cluster(
                endpoint: publicEndpoint ?? "127.0.0.1:\(server.port)", privateEndpoint: privateEndpoint,
                caPEM: server.certificateAuthorityPEM))
    }

    /// `SSL_CERT_FILE` and `GCE_METADATA_HOST` pointing at the fakes, plus `extra`.
    public func environmentVariables(_ extra: [String: String] = [:]) -> [String: String] {
        ["SSL_CERT_FILE": caFile, "GCE_METADATA_HOST": metadataHost].merging(extra) { _, new in new }
    }

    /// A directory removed by `stop()`, for key files and kubeconfigs.
    public var temporaryDirectory: String { directory }

    public func stop() async {
        await tokenServer.stop()
        await containerServer.stop()
        metadataHTTP.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
