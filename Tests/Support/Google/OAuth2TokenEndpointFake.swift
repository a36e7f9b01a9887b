import Foundation
import Synchronization
import TestAPIServer

/// Google's OAuth2 token endpoint for the JWT bearer grant: verifies the assertion's RS256 signature with the
/// registered key's public half and its claims, then issues an access token through the ledger.
public final class OAuth2TokenEndpointFake: ServerRequestHandler {
    public static let jwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer"
    public static let cloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform"
    /// Clock skew tolerated for `iat`, as Google does.
    static let skew: TimeInterval = 60

    private struct State {
        var url = ""
        var expiresIn = 3600
        /// Public key PEM by client e-mail and key ID.
        var keys: [String: (keyID: String, publicKeyPEM: String)] = [:]
        var refusal: (error: String, description: String)?
        var rejections: [String] = []
    }

    private let state = Mutex(State())
    private let ledger: GoogleTokenLedger

    public init(ledger: GoogleTokenLedger) {
        self.ledger = ledger
    }

    /// The URL the assertion's `aud` must name (the fake's own URL).
    public var url: String {
        get { state.withLock { $0.url } }
        set { state.withLock { $0.url = newValue } }
    }

    /// `expires_in` of tokens issued from now on, in seconds.
    public func setExpiresIn(_ seconds: Int) {
        state.withLock { $0.expiresIn = seconds }
    }

    /// Accepts assertions signed by this key.
    public func register(_ key: ServiceAccountKeyFixture) {
        state.withLock { $0.keys[key.clientEmail] = (key.privateKeyID, key.publicKeyPEM) }
    }

    /// Answers every request with `400 {"error": error, "error_description": description}` until cleared.
    public func refuse(error: String = "invalid_grant", description: String) {
        state.withLock { $0.refusal = (error, description) }
    }

    public func stopRefusing() {
        state.withLock { $0.refusal = nil }
    }

    /// Why assertions were rejected, oldest first.
    public var rejections: [String] { state.withLock { $0.rejections } }

    public func handle(_ request: ServerRequest) async -> ServerResponse {
        guard request.method == "POST" else { return Self.json(405, ["error": "invalid_request"]) }
        guard request.header("Content-Type")?.hasPrefix("application/x-www-form-urlencoded") == true else {
            return reject("invalid_request", "Content-Type must be application/x-www-form-urlencoded")
        }
        let form = Self.parseForm(request.body)
        let (refusal, expiresIn) = state.withLock { ($0.refusal, $0.expiresIn) }
        if let refusal { return Self.json(400, ["error": refusal.error, "error_description": refusal.description]) }
        guard form["grant_type"] == Self.jwtBearerGrant else {
            return reject("unsupported_grant_type", "Invalid grant_type: \(form["grant_type"] ?? "")")
        }
        guard let assertion = form["assertion"] else { return reject("invalid_request", "Missing required parameter: assertion") }
        switch verify(assertion) {
        case .failure(let reason):
            return reject("invalid_grant", reason.reason)
        case .success(let subject):
            let token = ledger.issue(subject: subject, lifetime: .seconds(expiresIn))
            return Self.json(200, ["access_token": token, "expires_in": expiresIn, "token_type": "Bearer"])
        }
    }

    private struct Rejection: Error {
        var reason: String
    }

    /// The subject (client e-mail) of a valid assertion.
    private func verify(_ assertion: String) -> Result<String, Rejection> {
        let parts = assertion.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
            let headerBytes = FakeOpenSSL.base64URLDecode(parts[0]),
            let claimBytes = FakeOpenSSL.base64URLDecode(parts[1]),
            let signature = FakeOpenSSL.base64URLDecode(parts[2]),
            let header = try? JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any],
            let claims = try? JSONSerialization.jsonObject(with: Data(claimBytes)) as? [String: Any]
        else { return .failure(Rejection(reason: "Invalid JWT: malformed")) }
        guard header["alg"] as? String == "RS256", header["typ"] as? String == "JWT" else {
            return .failure(Rejection(reason: "Invalid JWT: header must be alg RS256, typ JWT"))
        }
        guard let issuer = claims["iss"] as? String, let key = state.withLock({ $0.keys[issuer] }) else {
            return .failure(Rejection(reason: "Invalid JWT Signature."))  // what Google says for unknown keys
        }
        guard header["kid"] as? String == key.keyID else {
            return .failure(Rejection(reason: "Invalid JWT Signature."))
        }
        let signingInput = Array("\(parts[0]).\(parts[1])".utf8)
        guard FakeOpenSSL.verifyRS256(message: signingInput, signature: signature, publicKeyPEM: key.publicKeyPEM)
        else { return .failure(Rejection(reason: "Invalid JWT Signature.")) }
        if let subject = claims["sub"], subject as? String != issuer {
            return .failure(Rejection(reason: "Invalid JWT: sub must be the service account"))
        }
        guard claims["aud"] as? String == url else {
            return .failure(Rejection(reason: "Invalid JWT: aud must be \(url)"))
        }
        let scopes = (claims["scope"] as? String)?.split(separator: " ").map(String.init) ?? []
        guard scopes.contains(Self.cloudPlatformScope) else {
            return .failure(Rejection(reason: "Invalid JWT: scope must include cloud-platform"))
        }
        guard let iat = (claims["iat"] as? NSNumber)?.doubleValue, let exp = (claims["exp"] as? NSNumber)?.doubleValue
        else { return .failure(Rejection(reason: "Invalid JWT: iat and exp are required")) }
        let now = Date().timeIntervalSince1970
        guard iat <= now + Self.skew, exp > now, exp - iat <= 3600 else {
            return .failure(
                Rejection(
                    reason: "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. "
                        + "Check your iat and exp values in the JWT claim."))
        }
        return .success(issuer)
    }

    private func reject(_ error: String, _ description: String) -> ServerResponse {
        state.withLock { $0.rejections.append(description) }
        return Self.json(400, ["error": error, "error_description": description])
    }

    static func parseForm(_ body: [UInt8]) -> [String: String] {
        var form: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            form[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return form
    }

    static func json(_ status: Int, _ object: [String: Any]) -> ServerResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return ServerResponse(
            status: status, headers: [("Content-Type", "application/json; charset=utf-8")], body: .bytes(Array(data)))
    }
}
