/// Supplies the credential for a cluster, refreshing rotating material (token files, exec plugins) as needed.
public protocol CredentialSource: Sendable {
    /// Current credential, refreshing when needed.
    func credential() async throws(ConfigError) -> Credential
    /// Called after a 401: drop cached material so the next credential() refreshes (re-exec, re-read).
    func invalidate() async
}
