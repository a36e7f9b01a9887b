import Logging

/// An in-process kube-apiserver on a loopback port: HTTPS with its own CA, bearer tokens and client
/// certificates, and the API semantics of `KubeAPIHandler`. Tests and `barrelman demo` start it.
///
/// The state lives in `state`, outside the HTTP layer, so `restart` keeps every object and resourceVersion,
/// as a real apiserver backed by etcd does.
public final class TestAPIServer: Sendable {
    public struct Options: Sendable {
        public var store = StoreConfiguration()
        /// 0 picks a free port.
        public var port = 0
        public var logger = Logger(label: "barrelman.test-api-server")

        public init() {}
    }

    public let state: APIServerState
    public let certificateAuthority: TestCertificateAuthority
    /// A token of a user who may do everything (group `system:masters`).
    public let adminToken: String
    public let port: Int
    private let https: HTTPSServer

    private init(
        state: APIServerState, certificateAuthority: TestCertificateAuthority, adminToken: String, port: Int,
        https: HTTPSServer
    ) {
        self.state = state
        self.certificateAuthority = certificateAuthority
        self.adminToken = adminToken
        self.port = port
        self.https = https
    }

    /// `https://127.0.0.1:PORT`.
    public var url: String { "https://127.0.0.1:\(port)" }

    /// The CA that signed the server's certificate, PEM: what a kubeconfig's certificate-authority-data holds.
    public var certificateAuthorityPEM: [UInt8] { certificateAuthority.certificatePEM }

    /// Connections the HTTPS layer accepted since start, across restarts.
    public var connectionsAccepted: Int { https.connectionsAccepted }

    public static func start(options: Options = Options()) async throws -> TestAPIServer {
        let authority = try TestCertificateAuthority.generate()
        let serverCertificate = try authority.issueServerCertificate(
            dnsNames: ["localhost", "kubernetes", "kubernetes.default.svc"], ipAddresses: ["127.0.0.1"])
        let state = APIServerState(configuration: options.store)
        let adminToken = "admin-" + randomToken()
        state.authenticator.addUser(token: adminToken, name: "admin", groups: ["system:masters"])
        let tls = ServerTLSMaterial(
            certificateChainPEM: serverCertificate.certificatePEM, privateKeyPEM: serverCertificate.privateKeyPEM,
            clientCATrustPEM: authority.certificatePEM)
        let https = HTTPSServer(tls: tls, handler: KubeAPIHandler(state: state), logger: options.logger)
        let port = try await https.start(port: options.port)
        return TestAPIServer(
            state: state, certificateAuthority: authority, adminToken: adminToken, port: port, https: https)
    }

    /// Closes the listener and every connection; open watches are cut. The state is kept.
    public func stop() async {
        await https.stop()
    }

    /// Starts serving again on the same port after `stop`.
    public func resume() async throws {
        _ = try await https.start(port: port)
    }

    /// Stops, waits `downtime`, and serves again on the same port with the same state.
    public func restart(after downtime: Duration = .zero) async throws {
        await stop()
        if downtime > .zero { try await Task.sleep(for: downtime) }
        try await resume()
    }

    /// A new bearer token for user `name`, allowed what `rules` allow.
    @discardableResult
    public func addUser(name: String, groups: [String] = [], rules: AccessRules = .all) -> String {
        let token = "\(name)-" + Self.randomToken()
        state.authenticator.addUser(token: token, name: name, groups: groups, rules: rules)
        return token
    }

    /// A client certificate for user `commonName` in `organizations` (groups), signed by the server's CA.
    public func issueClientCertificate(
        commonName: String, organizations: [String] = []
    ) throws -> (certificatePEM: [UInt8], privateKeyPEM: [UInt8]) {
        try certificateAuthority.issueClientCertificate(commonName: commonName, organizations: organizations)
    }

    private static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<24).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }
}
