#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KubeAPI

/// The self-signed assertion of Google's OAuth2 service-account flow (JWT bearer grant, RFC 7523).
enum ServiceAccountJWT {
    static let cloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform"

    /// `header.claims.signature`, RS256, valid for an hour from `issuedAt`.
    static func make(
        key: ServiceAccountKey, scope: String = cloudPlatformScope, issuedAt: Date
    ) throws(ProviderError) -> String {
        let header: JSONValue = ["alg": "RS256", "typ": "JWT", "kid": .string(key.privateKeyID)]
        let iat = Int64(issuedAt.timeIntervalSince1970.rounded(.down))
        let claims: JSONValue = [
            "iss": .string(key.clientEmail), "sub": .string(key.clientEmail), "aud": .string(key.tokenURI),
            "scope": .string(scope), "iat": .int(iat), "exp": .int(iat + 3600),
        ]
        let signingInput =
            Base64URL.encode(JSONDocument.encode(header)) + "." + Base64URL.encode(JSONDocument.encode(claims))
        do {
            let signer = try RS256Signer(privateKeyPEM: key.privateKeyPEM)
            return signingInput + "." + Base64URL.encode(try signer.sign(Array(signingInput.utf8)))
        } catch {
            throw ProviderError(
                "signing the token request for \(key.clientEmail) failed (\(error.reason)); download a new key")
        }
    }
}
