import Foundation
import Synchronization
import TestAPIServer

/// AWS STS for one region: `AssumeRoleWithWebIdentity` (accepting registered web identity tokens),
/// `AssumeRole` (header-signed; the role must trust the caller), and presigned `GetCallerIdentity`, the request
/// EKS replays to learn who made a token. Answers with STS's XML documents and error codes.
public final class STSFake: ServerRequestHandler {
    private struct State {
        /// Web identity token -> roles it may assume.
        var webIdentityTokens: [String: Set<String>] = [:]
        /// Role ARN -> caller ARNs its trust policy allows.
        var trust: [String: Set<String>] = [:]
        var sessionLifetime: Duration = .seconds(3600)
        var webIdentityTokensSeen: [String] = []
        var calls: [String] = []
    }

    public let ledger: AWSIdentityLedger
    public let region: String
    private let state = Mutex(State())

    public init(ledger: AWSIdentityLedger, region: String) {
        self.ledger = ledger
        self.region = region
    }

    /// Lets `token` (the content of a projected service-account token) assume `roleARN`.
    public func acceptWebIdentity(token: String, roleARN: String) {
        state.withLock { _ = $0.webIdentityTokens[token, default: []].insert(roleARN) }
    }

    /// Lets `callerARN` assume `roleARN`.
    public func trust(roleARN: String, caller callerARN: String) {
        state.withLock { _ = $0.trust[roleARN, default: []].insert(callerARN) }
    }

    /// How long credentials issued from now on last.
    public func setSessionLifetime(_ lifetime: Duration) {
        state.withLock { $0.sessionLifetime = lifetime }
    }

    /// Web identity tokens presented, oldest first.
    public var webIdentityTokensSeen: [String] { state.withLock { $0.webIdentityTokensSeen } }

    /// Actions called (any outcome), oldest first.
    public var calls: [String] { state.withLock { $0.calls } }

    public func handle(_ request: ServerRequest) async -> ServerResponse {
        if request.method == "GET" {
            let action = SigV4Check.parseQuery(request.query).first { $0.0 == "Action" }?.1 ?? ""
            state.withLock { $0.calls.append(action) }
            guard action == "GetCallerIdentity" else {
                return Self.error(400, "InvalidAction", "Could not find operation \(action)")
            }
            switch verifyPresigned(path: request.path, rawQuery: request.query, headers: request.headers) {
            case .failure(let refusal): return Self.refusal(refusal)
            case .success(let signer): return Self.callerIdentity(signer.arn)
            }
        }
        let body = String(decoding: request.body, as: UTF8.self).replacingOccurrences(of: "+", with: "%20")
        let form = Dictionary(SigV4Check.parseQuery(body), uniquingKeysWith: { first, _ in first })
        let action = form["Action"] ?? ""
        state.withLock { $0.calls.append(action) }
        switch action {
        case "AssumeRoleWithWebIdentity":
            return assumeRoleWithWebIdentity(form)
        case "AssumeRole":
            switch SigV4Check.verifyHeader(request, service: "sts", region: region, ledger: ledger) {
            case .failure(let refusal):
                return Self.refusal(refusal)
            case .success(let signer):
                return assumeRole(form, caller: signer.arn)
            }
        default:
            return Self.error(400, "InvalidAction", "Could not find operation \(action)")
        }
    }

    /// Verifies a presigned GetCallerIdentity as STS does; `headers` must carry what was signed (host, x-k8s-aws-id).
    public func verifyPresigned(
        path: String, rawQuery: String, headers: [(name: String, value: String)]
    ) -> Result<SigV4Check.Signer, SigV4Check.Refusal> {
        SigV4Check.verifyPresigned(
            method: "GET", path: path, rawQuery: rawQuery, headers: headers, service: "sts", region: region,
            ledger: ledger)
    }

    private func assumeRoleWithWebIdentity(_ form: [String: String]) -> ServerResponse {
        guard let token = form["WebIdentityToken"], let roleARN = form["RoleArn"], let session = form["RoleSessionName"]
        else { return Self.error(400, "MissingParameter", "WebIdentityToken, RoleArn and RoleSessionName are required") }
        let (allowed, lifetime) = state.withLock { state in
            state.webIdentityTokensSeen.append(token)
            return (state.webIdentityTokens[token]?.contains(roleARN) == true, state.sessionLifetime)
        }
        guard allowed else {
            return Self.error(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
        }
        let issued = ledger.issueSession(roleARN: roleARN, sessionName: session, lifetime: lifetime)
        return Self.credentials(issued, action: "AssumeRoleWithWebIdentity")
    }

    private func assumeRole(_ form: [String: String], caller: String) -> ServerResponse {
        guard let roleARN = form["RoleArn"], let session = form["RoleSessionName"] else {
            return Self.error(400, "MissingParameter", "RoleArn and RoleSessionName are required")
        }
        let (allowed, lifetime) = state.withLock { ($0.trust[roleARN]?.contains(caller) == true, $0.sessionLifetime) }
        guard allowed else {
            return Self.error(
                403, "AccessDenied", "User: \(caller) is not authorized to perform: sts:AssumeRole on resource: \(roleARN)")
        }
        let issued = ledger.issueSession(roleARN: roleARN, sessionName: session, lifetime: lifetime)
        return Self.credentials(issued, action: "AssumeRole")
    }

    static func credentials(_ issued: AWSIdentityLedger.Issued, action: String) -> ServerResponse {
        let expiration = ISO8601DateFormatter().string(from: issued.expiration)
        return xml(
            200,
            """
            <\(action)Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <\(action)Result>
                <Credentials>
                  <AccessKeyId>\(issued.accessKeyID)</AccessKeyId>
                  <SecretAccessKey>\(issued.secret)</SecretAccessKey>
                  <SessionToken>\(issued.sessionToken)</SessionToken>
                  <Expiration>\(expiration)</Expiration>
                </Credentials>
              </\(action)Result>
            </\(action)Response>
            """)
    }

    static func callerIdentity(_ arn: String) -> ServerResponse {
        xml(
            200,
            """
            <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <GetCallerIdentityResult>
                <Arn>\(arn)</Arn>
                <UserId>AIDAEXAMPLE</UserId>
                <Account>\(AWSIdentityLedger.account)</Account>
              </GetCallerIdentityResult>
            </GetCallerIdentityResponse>
            """)
    }

    static func refusal(_ refusal: SigV4Check.Refusal) -> ServerResponse {
        error(403, refusal.code, refusal.message)
    }

    static func error(_ status: Int, _ code: String, _ message: String) -> ServerResponse {
        xml(
            status,
            """
            <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <Error><Type>Sender</Type><Code>\(code)</Code><Message>\(message.replacingOccurrences(of: "&", with: "&amp;"))</Message></Error>
            </ErrorResponse>
            """)
    }

    static func xml(_ status: Int, _ text: String) -> ServerResponse {
        ServerResponse(status: status, headers: [("Content-Type", "text/xml")], body: .bytes(Array(text.utf8)))
    }
}
