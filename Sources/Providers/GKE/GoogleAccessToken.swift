import KubeAPI

/// An OAuth2 access token and how long it is valid. `description` never shows the token.
public struct GoogleAccessToken: Sendable, CustomStringConvertible, CustomReflectable {
    /// Sent as `Authorization: Bearer <value>`. Secret.
    public var value: String
    /// Lifetime from when it was requested.
    public var expiresIn: Duration

    public init(value: String, expiresIn: Duration) {
        self.value = value
        self.expiresIn = expiresIn
    }

    public var description: String { "GoogleAccessToken(<redacted>, expires in \(expiresIn))" }
    public var customMirror: Mirror { Mirror(self, children: ["redacted": description]) }
}

/// The token endpoint's and metadata server's success body: `access_token`, `expires_in`, `token_type`.
struct GoogleTokenResponse: JSONDecodable {
    var accessToken: String
    var expiresIn: Int
    var tokenType: String?

    init(json: JSONNode) throws(JSONDecodingError) {
        accessToken = try json.require("access_token")
        expiresIn = try json.decode("expires_in") ?? 3600
        tokenType = try json.decode("token_type")
    }

    /// Parses a 200 body; errors name `source` and the field, never the body.
    static func parse(_ body: [UInt8], source: String) throws(ProviderError) -> GoogleAccessToken {
        let response: GoogleTokenResponse
        do {
            response = try JSONDocument.decode(GoogleTokenResponse.self, from: body)
        } catch {
            let detail = error.path.isEmpty ? "is not a JSON object" : "has no valid \(error.path.joined(separator: "."))"
            throw ProviderError("\(source) answered 200, but the body \(detail) (is the URL right?)")
        }
        if let type = response.tokenType, type.lowercased() != "bearer" {
            throw ProviderError("\(source) issued a \"\(ServiceAccountKey.oneLine(type))\" token; only Bearer tokens work")
        }
        guard !response.accessToken.isEmpty, response.expiresIn > 0 else {
            throw ProviderError("\(source) answered 200 with an empty or already expired access token")
        }
        return GoogleAccessToken(value: response.accessToken, expiresIn: .seconds(response.expiresIn))
    }
}
