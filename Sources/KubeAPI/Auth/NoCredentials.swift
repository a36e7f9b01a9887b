/// A cluster that needs no authentication (or authenticates by the client certificate in `TLSSettings`).
public struct NoCredentials: CredentialSource {
    public init() {}

    public func credential() async throws(ConfigError) -> Credential { .none }

    public func invalidate() async {}
}
