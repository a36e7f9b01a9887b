import Yams

/// Yams' node; `Node` alone is the Kubernetes Node model in this module.
typealias YAMLNode = Yams.Node

/// Turns one kubeconfig's YAML into a `KubeconfigFile`. Errors name the file and the field's YAML path and line,
/// never a value (values may be tokens).
struct KubeconfigParser {
    /// Absolute path of the file.
    let path: String
    /// Folder that relative paths in the file are resolved against.
    let folder: String

    init(path: String) {
        self.path = path
        folder = PathResolution.folder(of: path)
    }

    func parse(_ text: String) throws(ConfigError) -> KubeconfigFile {
        let root: YAMLNode?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigError.kubeconfig(path, Self.describe(error))
        }
        var file = KubeconfigFile(path: path)
        guard let root, !isNull(root) else { return file }
        let top = try mapping(root, at: "top level")
        file.currentContext = try string(top["current-context"], at: "current-context")
        file.clusters = try entries(top["clusters"], section: "clusters", body: "cluster", parseCluster)
        file.users = try entries(top["users"], section: "users", body: "user", parseUser)
        file.contexts = try entries(top["contexts"], section: "contexts", body: "context", parseContext)
        return file
    }

    // MARK: sections

    private func parseCluster(_ node: YAMLNode.Mapping, at field: String) throws(ConfigError) -> KubeconfigCluster {
        var cluster = KubeconfigCluster()
        cluster.server = try string(node["server"], at: "\(field).server")
        cluster.certificateAuthority = try filePath(node["certificate-authority"], at: "\(field).certificate-authority")
        cluster.certificateAuthorityData = try string(
            node["certificate-authority-data"], at: "\(field).certificate-authority-data")
        cluster.insecureSkipTLSVerify =
            try bool(node["insecure-skip-tls-verify"], at: "\(field).insecure-skip-tls-verify") ?? false
        cluster.tlsServerName = try string(node["tls-server-name"], at: "\(field).tls-server-name")
        cluster.proxyURL = try string(node["proxy-url"], at: "\(field).proxy-url")
        return cluster
    }

    private func parseUser(_ node: YAMLNode.Mapping, at field: String) throws(ConfigError) -> KubeconfigUser {
        var user = KubeconfigUser()
        user.token = try string(node["token"], at: "\(field).token")
        user.tokenFile = try filePath(node["tokenFile"], at: "\(field).tokenFile")
        user.username = try string(node["username"], at: "\(field).username")
        user.password = try string(node["password"], at: "\(field).password")
        user.clientCertificate = try filePath(node["client-certificate"], at: "\(field).client-certificate")
        user.clientCertificateData = try string(node["client-certificate-data"], at: "\(field).client-certificate-data")
        user.clientKey = try filePath(node["client-key"], at: "\(field).client-key")
        user.clientKeyData = try string(node["client-key-data"], at: "\(field).client-key-data")
        if let execNode = node["exec"], !isNull(execNode) {
            user.exec = try parseExec(try mapping(execNode, at: "\(field).exec"), at: "\(field).exec")
        }
        if let providerNode = node["auth-provider"], !isNull(providerNode) {
            let provider = try mapping(providerNode, at: "\(field).auth-provider")
            user.authProviderName = try string(provider["name"], at: "\(field).auth-provider.name") ?? "unnamed"
        }
        return user
    }

    private func parseExec(_ node: YAMLNode.Mapping, at field: String) throws(ConfigError) -> KubeconfigExec {
        var exec = KubeconfigExec()
        exec.apiVersion = try string(node["apiVersion"], at: "\(field).apiVersion")
        exec.command = try string(node["command"], at: "\(field).command").map { command in
            // A bare name is looked up on PATH; only a path with a slash is relative to this file.
            command.contains("/") ? PathResolution.resolve(command, against: folder) : command
        }
        if let argsNode = node["args"], !isNull(argsNode) {
            let items = try sequence(argsNode, at: "\(field).args")
            for (index, item) in items.enumerated() {
                exec.args.append(try string(item, at: "\(field).args[\(index)]") ?? "")
            }
        }
        if let envNode = node["env"], !isNull(envNode) {
            let items = try sequence(envNode, at: "\(field).env")
            for (index, item) in items.enumerated() {
                let entry = try mapping(item, at: "\(field).env[\(index)]")
                guard let name = try string(entry["name"], at: "\(field).env[\(index)].name"), !name.isEmpty else {
                    throw invalid("\(field).env[\(index)] has no name", item)
                }
                let value = try string(entry["value"], at: "\(field).env[\(index)].value") ?? ""
                exec.env.append(ExecPluginConfig.EnvVar(name: name, value: value))
            }
        }
        exec.installHint = try string(node["installHint"], at: "\(field).installHint")
        exec.provideClusterInfo = try bool(node["provideClusterInfo"], at: "\(field).provideClusterInfo") ?? false
        exec.interactiveMode = try string(node["interactiveMode"], at: "\(field).interactiveMode")
        return exec
    }

    private func parseContext(_ node: YAMLNode.Mapping, at field: String) throws(ConfigError) -> KubeconfigContext {
        KubeconfigContext(
            cluster: try string(node["cluster"], at: "\(field).cluster"),
            user: try string(node["user"], at: "\(field).user"),
            namespace: try string(node["namespace"], at: "\(field).namespace"))
    }

    /// A `[{name: x, <body>: {...}}]` list.
    private func entries<Value>(
        _ node: YAMLNode?, section: String, body: String,
        _ parseBody: (YAMLNode.Mapping, String) throws(ConfigError) -> Value
    ) throws(ConfigError) -> [Named<Value>] {
        guard let node, !isNull(node) else { return [] }
        var result: [Named<Value>] = []
        for (index, item) in try sequence(node, at: section).enumerated() {
            let field = "\(section)[\(index)]"
            let entry = try mapping(item, at: field)
            guard let name = try string(entry["name"], at: "\(field).name"), !name.isEmpty else {
                throw invalid("\(field) has no name", item)
            }
            let bodyField = "\(section)[\(name)].\(body)"
            let value: Value
            if let bodyNode = entry[body], !isNull(bodyNode) {
                value = try parseBody(try mapping(bodyNode, at: bodyField), bodyField)
            } else {
                value = try parseBody(YAMLNode.Mapping([]), bodyField)
            }
            result.append(Named(name: name, file: path, value: value))
        }
        return result
    }

    // MARK: scalars

    private func isNull(_ node: YAMLNode) -> Bool {
        node.null != nil
    }

    private func mapping(_ node: YAMLNode, at field: String) throws(ConfigError) -> YAMLNode.Mapping {
        guard let mapping = node.mapping else { throw invalid("\(field) must be a mapping", node) }
        return mapping
    }

    private func sequence(_ node: YAMLNode, at field: String) throws(ConfigError) -> [YAMLNode] {
        guard let sequence = node.sequence else { throw invalid("\(field) must be a list", node) }
        return Array(sequence)
    }

    /// Any scalar reads as its text (kubectl would reject `token: 123`; being lenient costs nothing).
    private func string(_ node: YAMLNode?, at field: String) throws(ConfigError) -> String? {
        guard let node, !isNull(node) else { return nil }
        guard let scalar = node.scalar else { throw invalid("\(field) must be a string", node) }
        return scalar.string
    }

    private func bool(_ node: YAMLNode?, at field: String) throws(ConfigError) -> Bool? {
        guard let node, !isNull(node) else { return nil }
        guard let value = node.bool else { throw invalid("\(field) must be true or false", node) }
        return value
    }

    private func filePath(_ node: YAMLNode?, at field: String) throws(ConfigError) -> String? {
        guard let value = try string(node, at: field), !value.isEmpty else { return nil }
        return PathResolution.resolve(value, against: folder)
    }

    private func invalid(_ detail: String, _ node: YAMLNode) -> ConfigError {
        let line = node.mark.map { " (line \($0.line))" } ?? ""
        return ConfigError.kubeconfig(path, "\(detail)\(line)")
    }

    /// Yams' own description quotes the offending line, which may hold a token: only position and problem pass.
    static func describe(_ error: any Error) -> String {
        guard let yamlError = error as? YamlError else { return "invalid YAML" }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let contextText = context.map { " (\($0.text))" } ?? ""
            return "invalid YAML at line \(mark.line), column \(mark.column): \(problem)\(contextText)"
        case .reader(let problem, _, _, _):
            return "invalid YAML: \(problem)"
        case .duplicatedKeysInMapping(let duplicates, let context):
            return "invalid YAML at line \(context.mark.line): duplicate keys \(duplicates.sorted().joined(separator: ", "))"
        case .dataCouldNotBeDecoded:
            return "invalid YAML: the file is not UTF-8 text"
        default:
            return "invalid YAML"
        }
    }
}
