/// One kubeconfig file as written, with relative paths already resolved against the file's folder.
/// Only the fields barrelman understands are kept.
struct KubeconfigFile {
    /// Absolute path of the file, named in errors about its entries.
    var path: String
    var currentContext: String?
    var clusters: [Named<KubeconfigCluster>] = []
    var users: [Named<KubeconfigUser>] = []
    var contexts: [Named<KubeconfigContext>] = []
}

/// A `clusters[]`, `users[]` or `contexts[]` entry: the name and the file it came from.
struct Named<Value> {
    var name: String
    var file: String
    var value: Value
}

/// `clusters[].cluster`.
struct KubeconfigCluster {
    /// As written (kubectl hands exec plugins the server unchanged).
    var server: String?
    var certificateAuthority: String?
    /// Decoded from base64 when the file is read, as kubectl does for every entry.
    var certificateAuthorityData: [UInt8]?
    var insecureSkipTLSVerify: Bool = false
    var tlsServerName: String?
    var proxyURL: String?
    var disableCompression: Bool = false
    /// The `extension` of the `extensions` entry named `client.authentication.k8s.io/exec`, which kubectl passes
    /// to exec plugins as `spec.cluster.config`.
    var execExtension: JSONValue?
}

/// `users[].user`.
struct KubeconfigUser {
    var token: String?
    var tokenFile: String?
    var username: String?
    var password: String?
    var clientCertificate: String?
    /// Decoded from base64 when the file is read.
    var clientCertificateData: [UInt8]?
    var clientKey: String?
    var clientKeyData: [UInt8]?
    var exec: KubeconfigExec?
    /// Only the name: auth providers are not supported, and the name makes the error useful.
    var authProviderName: String?
}

/// `users[].user.exec`.
struct KubeconfigExec {
    var apiVersion: String?
    var command: String?
    var args: [String] = []
    var env: [ExecPluginConfig.EnvVar] = []
    var installHint: String?
    var provideClusterInfo: Bool = false
    var interactiveMode: String?
}

/// `contexts[].context`.
struct KubeconfigContext {
    var cluster: String?
    var user: String?
    var namespace: String?
}

/// Several kubeconfig files merged the way kubectl merges `KUBECONFIG`: the first file to define a name (or the
/// current context) wins.
struct MergedKubeconfig {
    /// The files, for errors that concern all of them (shown colon-separated).
    var label: String
    var currentContext: String?
    var clusters: [String: Named<KubeconfigCluster>] = [:]
    var users: [String: Named<KubeconfigUser>] = [:]
    var contexts: [String: Named<KubeconfigContext>] = [:]

    init(_ files: [KubeconfigFile]) {
        label = files.map(\.path).joined(separator: ":")
        for file in files {
            if currentContext == nil, let current = file.currentContext, !current.isEmpty {
                currentContext = current
            }
            for entry in file.clusters where clusters[entry.name] == nil { clusters[entry.name] = entry }
            for entry in file.users where users[entry.name] == nil { users[entry.name] = entry }
            for entry in file.contexts where contexts[entry.name] == nil { contexts[entry.name] = entry }
        }
    }
}
