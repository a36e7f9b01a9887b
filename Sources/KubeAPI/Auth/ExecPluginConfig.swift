/// `users[].user.exec` of a kubeconfig: how to run a client-go credential plugin.
public struct ExecPluginConfig: Sendable, Equatable {
    /// `client.authentication.k8s.io/v1` or `client.authentication.k8s.io/v1beta1`.
    public var apiVersion: String
    /// Executable name (looked up on PATH) or path (relative ones already resolved against the kubeconfig).
    public var command: String
    public var args: [String]
    /// Added to (and overriding) the environment the plugin inherits.
    public var env: [EnvVar]
    /// Shown when the command is not found, e.g. how to install it.
    public var installHint: String?
    /// Pass the cluster below to the plugin in `KUBERNETES_EXEC_INFO`.
    public var provideClusterInfo: Bool
    /// `Never`, `IfAvailable` or `Always`; barrelman never has a terminal, so `Always` cannot work.
    public var interactiveMode: String?
    /// The cluster the credential is for; sent to the plugin when `provideClusterInfo` is true.
    public var cluster: ExecClusterInfo?

    /// The `apiVersion`s barrelman can speak with plugins.
    public static let supportedAPIVersions = [
        "client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1",
    ]

    public init(
        apiVersion: String, command: String, args: [String] = [], env: [EnvVar] = [], installHint: String? = nil,
        provideClusterInfo: Bool = false, interactiveMode: String? = nil, cluster: ExecClusterInfo? = nil
    ) {
        self.apiVersion = apiVersion
        self.command = command
        self.args = args
        self.env = env
        self.installHint = installHint
        self.provideClusterInfo = provideClusterInfo
        self.interactiveMode = interactiveMode
        self.cluster = cluster
    }

    /// One `env` entry.
    public struct EnvVar: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }
}

/// The cluster fields an exec plugin may ask for (`spec.cluster` of `ExecCredential`), as client-go fills them.
public struct ExecClusterInfo: Sendable, Equatable {
    /// `server` of the cluster, as written in the kubeconfig.
    public var server: String
    /// `tls-server-name` of the cluster.
    public var tlsServerName: String?
    /// `insecure-skip-tls-verify` of the cluster.
    public var insecureSkipTLSVerify: Bool
    /// The CA bundle (from `certificate-authority-data`, else the `certificate-authority` file), sent base64-encoded
    /// as `certificate-authority-data`.
    public var certificateAuthorityPEM: [UInt8]?
    /// `proxy-url` of the cluster.
    public var proxyURL: String?
    /// `disable-compression` of the cluster.
    public var disableCompression: Bool
    /// The `extension` of the cluster's `extensions` entry named `client.authentication.k8s.io/exec`; `.null`
    /// when there is none, which client-go still sends (`"config":null`).
    public var config: JSONValue

    public init(
        server: String, tlsServerName: String? = nil, insecureSkipTLSVerify: Bool = false,
        certificateAuthorityPEM: [UInt8]? = nil, proxyURL: String? = nil, disableCompression: Bool = false,
        config: JSONValue = .null
    ) {
        self.server = server
        self.tlsServerName = tlsServerName
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.proxyURL = proxyURL
        self.disableCompression = disableCompression
        self.config = config
    }
}
