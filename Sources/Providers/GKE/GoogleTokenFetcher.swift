/// One way of obtaining a Google access token (a service-account key, the metadata server, ...).
public protocol GoogleTokenFetcher: Sendable {
    /// Who the tokens belong to, for messages: the service account's e-mail, or a description.
    var identity: String { get }
    /// A fresh token; one line of cause and fix on failure, without secrets.
    func fetchToken() async throws(ProviderError) -> GoogleAccessToken
}
