import Foundation
import Synchronization
import TestAPIServer

/// STS, the EKS API and the Pod Identity agent in-process on loopback, and what makes a TestAPIServer
/// authenticate as an EKS cluster does. The HTTPS fakes use a test CA whose PEM is in `caFile`
/// (pass it as `SSL_CERT_FILE`).
public final class AWSCloudFake: CloudFake {
    public static let region = "eu-west-1"
    public let ledger: AWSIdentityLedger
    public let sts: STSFake
    public let eksAPI: EKSAPIFake
    public let podIdentityAgent: PodIdentityAgentFake
    /// `https://127.0.0.1:PORT`: pass as `-sts-endpoint`.
    public let stsURL: String
    /// `https://127.0.0.1:PORT`: pass as `-eks-api-endpoint`.
    public let eksAPIURL: String
    /// `http://127.0.0.1:PORT/v1/credentials`: pass as `AWS_CONTAINER_CREDENTIALS_FULL_URI`.
    public let podIdentityURL: String
    public let caFile: String
    /// A directory removed by `stop()`; also `HOME`, so no real `~/.aws` is read.
    public let temporaryDirectory: String
    private let stsServer: HTTPSServer
    private let eksServer: HTTPSServer
    private let agentServer: LoopbackHTTPServer
    private let review = Mutex(TokenReview())

    /// What the cluster's token authenticator did.
    struct TokenReview {
        /// IAM principals mapped to Kubernetes users (aws-auth / access entries).
        var mapped: Set<String> = []
        var accepted: Set<String> = []
        var rejections: [String] = []
        /// Tokens signed before this are refused, as after a revocation.
        var notBefore: Date?
    }

    private init(
        ledger: AWSIdentityLedger, sts: STSFake, eksAPI: EKSAPIFake, podIdentityAgent: PodIdentityAgentFake,
        stsURL: String, eksAPIURL: String, caFile: String, directory: String, stsServer: HTTPSServer,
        eksServer: HTTPSServer, agentServer: LoopbackHTTPServer
    ) {
        self.ledger = ledger
        self.sts = sts
        self.eksAPI = eksAPI
        self.podIdentityAgent = podIdentityAgent
        self.stsURL = stsURL
        self.eksAPIURL = eksAPIURL
        self.podIdentityURL = "http://\(agentServer.hostAndPort)\(PodIdentityAgentFake.path)"
        self.caFile = caFile
        self.temporaryDirectory = directory
        self.stsServer = stsServer
        self.eksServer = eksServer
        self.agentServer = agentServer
    }

    public static func start() async throws -> AWSCloudFake {
        let tls = try FakeCloudTLS(name: "fake-aws")
        let ledger = AWSIdentityLedger()
        let sts = STSFake(ledger: ledger, region: region)
        let eksAPI = EKSAPIFake(ledger: ledger, region: region)
        let agent = PodIdentityAgentFake(ledger: ledger)
        let stsServer = HTTPSServer(tls: tls.material, handler: sts)
        let eksServer = HTTPSServer(tls: tls.material, handler: eksAPI)
        let stsPort = try await stsServer.start()
        let eksPort = try await eksServer.start()
        let agentServer = try LoopbackHTTPServer(handler: agent)
        return AWSCloudFake(
            ledger: ledger, sts: sts, eksAPI: eksAPI, podIdentityAgent: agent, stsURL: "https://127.0.0.1:\(stsPort)",
            eksAPIURL: "https://127.0.0.1:\(eksPort)", caFile: tls.caFile, directory: tls.directory, stsServer: stsServer,
            eksServer: eksServer, agentServer: agentServer)
    }

    /// Registers `server` as EKS cluster `name`, reached at its `https://127.0.0.1:port` with its CA.
    public func addCluster(name: String, server: TestAPIServer, status: String = "ACTIVE") {
        eksAPI.addCluster(
            name: name,
            EKSAPIFake.Cluster(endpoint: "https://127.0.0.1:\(server.port)", caPEM: server.certificateAuthorityPEM, status: status))
    }

    /// Maps an IAM user or role ARN to a Kubernetes user, as an aws-auth entry or access entry does.
    public func mapPrincipal(_ arn: String) {
        review.withLock { _ = $0.mapped.insert(arn) }
    }

    /// Refuses every token signed before `date` from now on.
    public func refuseTokensSigned(before date: Date) {
        review.withLock { $0.notBefore = date }
    }

    /// Distinct tokens the cluster accepted, and why it refused tokens (oldest first).
    public var acceptedTokens: Int { review.withLock { $0.accepted.count } }
    public var tokenRejections: [String] { review.withLock { $0.rejections } }

    /// Makes `server` authenticate bearer tokens as EKS does: the token's URL must be a GetCallerIdentity on
    /// this STS, presigned for `clusterName`, whose signature STS verifies, no older than `lifetime`, and
    /// signed by a mapped principal. The Kubernetes user is the caller's ARN.
    public func trustEKSTokens(on server: TestAPIServer, clusterName: String, lifetime: Duration = .seconds(900)) {
        let stsHost = String(stsURL.dropFirst("https://".count))
        server.state.authenticator.setTokenReviewer { [self] token in
            switch self.reviewEKSToken(token, stsHost: stsHost, clusterName: clusterName, lifetime: lifetime) {
            case .success(let arn):
                review.withLock { _ = $0.accepted.insert(token) }
                return arn
            case .failure(let refusal):
                review.withLock { $0.rejections.append(refusal.message) }
                return nil
            }
        }
    }

    private func reviewEKSToken(
        _ token: String, stsHost: String, clusterName: String, lifetime: Duration
    ) -> Result<String, SigV4Check.Refusal> {
        func refuse(_ why: String) -> Result<String, SigV4Check.Refusal> {
            .failure(SigV4Check.Refusal(code: "Unauthorized", message: why))
        }
        let prefix = "k8s-aws-v1."
        guard token.hasPrefix(prefix), let bytes = FakeOpenSSL.base64URLDecode(token.dropFirst(prefix.count)) else {
            return refuse("not a k8s-aws-v1 token")
        }
        let url = String(decoding: bytes, as: UTF8.self)
        guard url.hasPrefix("https://\(stsHost)/?") else { return refuse("not a URL of this STS: \(url)") }
        let rawQuery = String(url.dropFirst("https://\(stsHost)/?".count))
        let query = Dictionary(SigV4Check.parseQuery(rawQuery), uniquingKeysWith: { first, _ in first })
        guard query["Action"] == "GetCallerIdentity",
            query["X-Amz-SignedHeaders"]?.split(separator: ";").contains("x-k8s-aws-id") == true
        else { return refuse("not a GetCallerIdentity presigned with x-k8s-aws-id") }
        guard let date = query["X-Amz-Date"].flatMap(SigV4Check.parseAmzDate) else { return refuse("no X-Amz-Date") }
        let age = -date.timeIntervalSinceNow
        guard age < Double(lifetime.components.seconds), age > -60 else { return refuse("token expired") }
        if let notBefore = review.withLock({ $0.notBefore }), date < notBefore { return refuse("token revoked") }
        let verified = sts.verifyPresigned(
            path: "/", rawQuery: rawQuery, headers: [("host", stsHost), ("x-k8s-aws-id", clusterName)])
        guard case .success(let signer) = verified else {
            if case .failure(let refusal) = verified { return .failure(refusal) }
            return refuse("unverified")
        }
        let principal = Self.principal(of: signer.arn)
        guard review.withLock({ $0.mapped.contains(principal) }) else { return refuse("\(principal) is not mapped") }
        return .success(signer.arn)
    }

    /// `arn:aws:sts::A:assumed-role/R/S` -> `arn:aws:iam::A:role/R`; other ARNs unchanged.
    public static func principal(of arn: String) -> String {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[2] == "sts", parts[5].hasPrefix("assumed-role/") else { return arn }
        let role = parts[5].split(separator: "/")[1]
        return "arn:aws:iam::\(parts[4]):role/\(role)"
    }

    /// `SSL_CERT_FILE` and `HOME` pointing at the fakes' directory, plus `extra`.
    public func environmentVariables(_ extra: [String: String] = [:]) -> [String: String] {
        ["SSL_CERT_FILE": caFile, "HOME": temporaryDirectory].merging(extra) { _, new in new }
    }

    /// Writes `text` to a file in the temporary directory; returns its path.
    @discardableResult
    public func writeFile(_ name: String, _ text: String) throws -> String {
        let path = (temporaryDirectory as NSString).appendingPathComponent(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    public func stop() async {
        await stsServer.stop()
        await eksServer.stop()
        agentServer.stop()
        try? FileManager.default.removeItem(atPath: temporaryDirectory)
    }
}
