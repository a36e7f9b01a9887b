/// Picks a context out of merged kubeconfigs and turns it into a `ClusterConfig`: validates the cluster, reads
/// TLS material, and chooses the credential source.
struct KubeconfigResolver {
    let config: MergedKubeconfig
    /// The environment exec plugins inherit.
    let environment: [String: String]

    func clusterConfig(context requested: String?) throws(ConfigError) -> ClusterConfig {
        let (contextName, context) = try selectContext(requested)
        let owner = "kubeconfig \(context.file)"
        guard let clusterName = context.value.cluster, !clusterName.isEmpty else {
            throw ConfigError("\(owner): context \"\(contextName)\" names no cluster")
        }
        guard let cluster = config.clusters[clusterName] else {
            throw ConfigError("\(owner): context \"\(contextName)\" names cluster \"\(clusterName)\" which is not defined")
        }
        let (server, clusterTLS) = try clusterSettings(cluster)
        var tls = clusterTLS
        var credentials: any CredentialSource = NoCredentials()
        var warnings: [String] = []
        if let userName = context.value.user, !userName.isEmpty {
            guard let user = config.users[userName] else {
                throw ConfigError("\(owner): context \"\(contextName)\" names user \"\(userName)\" which is not defined")
            }
            credentials = try userCredentials(user, cluster: cluster, server: server, tls: &tls)
            // Only a key read from a file has permissions to warn about (client-key-data wins over client-key).
            if (user.value.clientKeyData ?? []).isEmpty, let file = user.value.clientKey,
                let warning = KeyFilePermissions.warning(
                    forKeyFile: file, what: "kubeconfig \(user.file): user \"\(user.name)\": client-key")
            {
                warnings.append(warning)
            }
        }
        let namespace = context.value.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        var clusterConfig = ClusterConfig(
            server: server, tls: tls, credentials: credentials, proxyURL: cluster.value.proxyURL,
            defaultNamespace: namespace, displayName: contextName)
        clusterConfig.warnings = warnings
        return clusterConfig
    }

    // MARK: context

    private func selectContext(_ requested: String?) throws(ConfigError) -> (String, Named<KubeconfigContext>) {
        let available = config.contexts.keys.sorted()
        let availableText = available.isEmpty ? "no contexts are defined" : "available: \(available.joined(separator: ", "))"
        let name: String
        if let requested, !requested.isEmpty {
            name = requested
        } else if let current = config.currentContext {
            name = current
        } else {
            throw ConfigError.kubeconfig(
                config.label, "no current-context is set and no context was given (\(availableText))")
        }
        guard let context = config.contexts[name] else {
            throw ConfigError.kubeconfig(config.label, "context \"\(name)\" not found (\(availableText))")
        }
        return (name, context)
    }

    // MARK: cluster

    private func clusterSettings(_ cluster: Named<KubeconfigCluster>) throws(ConfigError) -> (String, TLSSettings) {
        let owner = "kubeconfig \(cluster.file): cluster \"\(cluster.name)\""
        let value = cluster.value
        guard var server = value.server, !server.isEmpty else {
            throw ConfigError("\(owner) has no server (set clusters[].cluster.server to https://host:port)")
        }
        guard server.hasPrefix("https://") || server.hasPrefix("http://") else {
            throw ConfigError("\(owner): server \"\(server)\" must start with https:// or http://")
        }
        while server.hasSuffix("/") { server.removeLast() }
        if let proxyURL = value.proxyURL, !proxyURL.isEmpty {
            try Self.checkProxyURL(proxyURL, owner: owner)
        }

        var tls = TLSSettings(serverName: value.tlsServerName.flatMap { $0.isEmpty ? nil : $0 })
        let hasCA = value.certificateAuthorityData?.isEmpty == false || value.certificateAuthority != nil
        if value.insecureSkipTLSVerify {
            guard !hasCA else {
                throw ConfigError(
                    "\(owner): specifying a root certificates file with the insecure flag is not allowed "
                        + "(remove certificate-authority or insecure-skip-tls-verify)")
            }
            tls.insecureSkipVerify = true
        }
        // As in kubectl, inline data wins over a file.
        if let data = value.certificateAuthorityData, !data.isEmpty {
            tls.caPEM = try PEMMaterial.data(data, field: "certificate-authority-data", kind: .certificate, owner: owner)
        } else if let file = value.certificateAuthority {
            tls.caPEM = try PEMMaterial.file(file, field: "certificate-authority", kind: .certificate, owner: owner)
        }
        return (server, tls)
    }

    // MARK: user

    private func userCredentials(
        _ user: Named<KubeconfigUser>, cluster: Named<KubeconfigCluster>, server: String, tls: inout TLSSettings
    ) throws(ConfigError) -> any CredentialSource {
        let owner = "kubeconfig \(user.file): user \"\(user.name)\""
        let value = user.value
        if let provider = value.authProviderName {
            throw ConfigError(
                "\(owner): auth-provider \"\(provider)\" is not supported; use an exec credential plugin instead "
                    + "(for GKE: gke-gcloud-auth-plugin, for AKS: kubelogin, for EKS: aws eks get-token)")
        }
        try clientCertificate(value, owner: owner, tls: &tls)

        let hasToken = value.token?.isEmpty == false || value.tokenFile != nil
        let hasBasic = value.username?.isEmpty == false || value.password?.isEmpty == false
        var methods: [String] = []
        if hasToken { methods.append("token") }
        if hasBasic { methods.append("username/password") }
        if value.exec != nil { methods.append("exec") }
        guard methods.count <= 1 else {
            throw ConfigError(
                "\(owner): more than one authentication method (\(methods.joined(separator: ", "))); keep only one")
        }

        if let exec = value.exec {
            return ExecCredentials(
                config: try execConfig(exec, owner: owner, cluster: cluster, server: server, tls: tls),
                baseEnvironment: environment)
        }
        if let token = value.token, !token.isEmpty {
            return StaticCredentials.token(token)
        }
        if let tokenFile = value.tokenFile {
            // Fail at startup, not at the first request, when the file is missing.
            _ = try FileReading.bytes(atPath: tokenFile) { reason in
                ConfigError("\(owner): tokenFile \(tokenFile) cannot be read: \(reason)")
            }
            return TokenFileCredentials(path: tokenFile)
        }
        if hasBasic {
            return StaticCredentials.basic(username: value.username ?? "", password: value.password ?? "")
        }
        return NoCredentials()
    }

    private func clientCertificate(
        _ user: KubeconfigUser, owner: String, tls: inout TLSSettings
    ) throws(ConfigError) {
        var certificate: [UInt8]?
        if let data = user.clientCertificateData, !data.isEmpty {
            certificate = try PEMMaterial.data(data, field: "client-certificate-data", kind: .certificate, owner: owner)
        } else if let file = user.clientCertificate {
            certificate = try PEMMaterial.file(file, field: "client-certificate", kind: .certificate, owner: owner)
        }
        var key: [UInt8]?
        if let data = user.clientKeyData, !data.isEmpty {
            key = try PEMMaterial.data(data, field: "client-key-data", kind: .key, owner: owner)
        } else if let file = user.clientKey {
            key = try PEMMaterial.file(file, field: "client-key", kind: .key, owner: owner)
        }
        switch (certificate, key) {
        case (nil, nil):
            return
        case (.some, nil):
            throw ConfigError("\(owner): client-certificate is set but client-key is missing (set both or neither)")
        case (nil, .some):
            throw ConfigError("\(owner): client-key is set but client-certificate is missing (set both or neither)")
        case (.some(let certificate), .some(let key)):
            tls.clientCertificatePEM = certificate
            tls.clientKeyPEM = key
        }
    }

    private func execConfig(
        _ exec: KubeconfigExec, owner: String, cluster: Named<KubeconfigCluster>, server: String, tls: TLSSettings
    ) throws(ConfigError) -> ExecPluginConfig {
        guard let command = exec.command, !command.isEmpty else {
            throw ConfigError("\(owner): exec has no command")
        }
        let supported = ExecPluginConfig.supportedAPIVersions
        guard let apiVersion = exec.apiVersion, supported.contains(apiVersion) else {
            let given = exec.apiVersion.map { "\"\($0)\"" } ?? "missing"
            throw ConfigError(
                "\(owner): exec apiVersion is \(given); use \(supported.joined(separator: " or "))")
        }
        // client-go's `interactiveMode` rules: required for v1, defaulted to IfAvailable for v1beta1.
        switch exec.interactiveMode {
        case nil, "":
            guard apiVersion != "client.authentication.k8s.io/v1" else {
                throw ConfigError(
                    "\(owner): exec interactiveMode must be set for apiVersion \(apiVersion) "
                        + "(Never, IfAvailable or Always), as kubectl requires")
            }
        case "Never", "IfAvailable", "Always":
            break
        case let mode?:
            throw ConfigError("\(owner): exec interactiveMode \"\(mode)\" is not Never, IfAvailable or Always")
        }
        // What client-go's ConfigToExecCluster hands the plugin: the cluster's fields as written, and the CA bytes
        // from the data field or else the file.
        let clusterInfo = ExecClusterInfo(
            server: cluster.value.server ?? server, tlsServerName: cluster.value.tlsServerName,
            insecureSkipTLSVerify: cluster.value.insecureSkipTLSVerify, certificateAuthorityPEM: tls.caPEM,
            proxyURL: cluster.value.proxyURL, disableCompression: cluster.value.disableCompression,
            config: cluster.value.execExtension ?? .null)
        return ExecPluginConfig(
            apiVersion: apiVersion, command: command, args: exec.args, env: exec.env, installHint: exec.installHint,
            provideClusterInfo: exec.provideClusterInfo, interactiveMode: exec.interactiveMode,
            cluster: exec.provideClusterInfo ? clusterInfo : nil)
    }

    /// client-go accepts only these proxy schemes (and refuses the context otherwise).
    private static func checkProxyURL(_ proxyURL: String, owner: String) throws(ConfigError) {
        let scheme = proxyURL.firstIndex(of: ":").map { proxyURL[..<$0].lowercased() } ?? ""
        guard ["http", "https", "socks5"].contains(scheme) else {
            throw ConfigError(
                "\(owner): proxy-url has scheme \"\(scheme)\"; kubectl accepts only http, https or socks5")
        }
    }
}
