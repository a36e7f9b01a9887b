#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KubeAPI

/// Google's OAuth2 service-account flow: a JWT signed with the key is exchanged at the key's `token_uri`.
public struct ServiceAccountTokenFetcher: GoogleTokenFetcher {
    public let key: ServiceAccountKey
    private let http: GoogleHTTP

    public init(key: ServiceAccountKey, environment: ProviderEnvironment) {
        self.key = key
        self.http = GoogleHTTP(environment: environment)
    }

    public var identity: String { key.clientEmail }

    public func fetchToken() async throws(ProviderError) -> GoogleAccessToken {
        let assertion = try ServiceAccountJWT.make(key: key, issuedAt: Date())
        // A JWT is base64url and dots only: nothing in it needs form-encoding.
        let body = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" + assertion
        let endpoint = "token endpoint \(key.tokenURI)"
        let response: HTTPResponse
        do {
            response = try await http.send(
                method: "POST", url: key.tokenURI,
                headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
                body: Array(body.utf8))
        } catch {
            throw ProviderError("\(endpoint) unreachable: \(error) (check network access to it and its TLS trust)")
        }
        guard response.status == 200 else {
            throw refusal(response, endpoint: endpoint)
        }
        return try GoogleTokenResponse.parse(response.body, source: endpoint)
    }

    private func refusal(_ response: HTTPResponse, endpoint: String) -> ProviderError {
        let summary = GoogleErrorBody.summary(response.body)
        let refused = "\(endpoint) refused key \(key.privateKeyID) of \(key.clientEmail) (HTTP \(response.status)"
            + (summary.map { ": \($0)" } ?? "") + ")"
        if summary?.hasPrefix("invalid_grant") == true {
            return ProviderError(
                "\(refused); check that this machine's clock is right and that the key was not deleted or "
                    + "disabled (create a new key if it was)")
        }
        if summary?.hasPrefix("invalid_client") == true || summary?.hasPrefix("unauthorized_client") == true {
            return ProviderError("\(refused); the service account may be deleted or disabled")
        }
        return ProviderError("\(refused); check the key's token_uri")
    }
}
