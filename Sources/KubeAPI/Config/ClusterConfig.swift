/// Everything needed to talk to one cluster: where it is, how to trust it, how to authenticate.
public struct ClusterConfig: Sendable {
    /// `https://host:port`, without a trailing slash.
    public var server: String
    public var tls: TLSSettings
    public var credentials: any CredentialSource
    /// `proxy-url` of the cluster, if any.
    public var proxyURL: String?
    /// The context's namespace, or `default`.
    public var defaultNamespace: String
    /// The context name, or `in-cluster`; for logs and messages.
    public var displayName: String
    /// Problems that do not stop the config from working (a key file others can read); whoever loaded it logs them.
    public var warnings: [String] = []

    public init(
        server: String, tls: TLSSettings = TLSSettings(), credentials: any CredentialSource = NoCredentials(),
        proxyURL: String? = nil, defaultNamespace: String = "default", displayName: String
    ) {
        self.server = server
        self.tls = tls
        self.credentials = credentials
        self.proxyURL = proxyURL
        self.defaultNamespace = defaultNamespace
        self.displayName = displayName
    }
}
