/// Turns one kubeconfig's text into a `KubeconfigFile`, reading each field the way kubectl's Go structs take it
/// from JSON (clientcmd/api/v1): a string field takes only a string, a boolean only true or false, a `*-data` field
/// a base64 string; null leaves a field unset. What kubectl rejects is rejected here too, for every entry and not
/// only the one in use, with the file, the field's path and line, never a value (values may be tokens).
struct KubeconfigParser {
    /// Absolute path of the file.
    let path: String
    /// Folder that relative paths in the file are resolved against.
    let folder: String

    /// The `extensions` entry whose `extension` kubectl hands exec plugins as `spec.cluster.config`.
    static let execExtensionName = "client.authentication.k8s.io/exec"

    init(path: String) {
        self.path = path
        folder = PathResolution.folder(of: path)
    }

    func parse(_ text: String) throws(ConfigError) -> KubeconfigFile {
        let root: KubeconfigValue?
        do {
            root = try KubeconfigYAMLReader.read(text)
        } catch {
            throw ConfigError.kubeconfig(path, error.detail)
        }
        var file = KubeconfigFile(path: path)
        guard let root, !root.isNull else { return file }
        let top = try mapping(root, at: "top level")
        try checkKind(top)
        file.currentContext = try string(top["current-context"], at: "current-context")
        file.clusters = try entries(top["clusters"], section: "clusters", body: "cluster", parseCluster)
        file.users = try entries(top["users"], section: "users", body: "user", parseUser)
        file.contexts = try entries(top["contexts"], section: "contexts", body: "context", parseContext)
        return file
    }

    // MARK: sections

    /// kubectl decodes the file as `kind: Config` of version `v1`, either of which may be left out.
    private func checkKind(_ top: [String: KubeconfigValue]) throws(ConfigError) {
        if let apiVersion = try string(top["apiVersion"], at: "apiVersion"), !apiVersion.isEmpty, apiVersion != "v1" {
            throw ConfigError.kubeconfig(path, "apiVersion is \"\(apiVersion)\"; a kubeconfig has apiVersion v1")
        }
        if let kind = try string(top["kind"], at: "kind"), !kind.isEmpty, kind != "Config" {
            throw ConfigError.kubeconfig(path, "kind is \"\(kind)\"; a kubeconfig has kind Config")
        }
    }

    private func parseCluster(_ node: [String: KubeconfigValue], at field: String) throws(ConfigError)
        -> KubeconfigCluster
    {
        var cluster = KubeconfigCluster()
        cluster.server = try string(node["server"], at: "\(field).server")
        cluster.certificateAuthority = try filePath(node["certificate-authority"], at: "\(field).certificate-authority")
        cluster.certificateAuthorityData = try bytes(
            node["certificate-authority-data"], at: "\(field).certificate-authority-data")
        cluster.insecureSkipTLSVerify =
            try bool(node["insecure-skip-tls-verify"], at: "\(field).insecure-skip-tls-verify") ?? false
        cluster.tlsServerName = try string(node["tls-server-name"], at: "\(field).tls-server-name")
        cluster.proxyURL = try string(node["proxy-url"], at: "\(field).proxy-url")
        cluster.disableCompression = try bool(node["disable-compression"], at: "\(field).disable-compression") ?? false
        cluster.execExtension = try execExtension(node["extensions"], at: "\(field).extensions")
        return cluster
    }

    /// `extensions: [{name, extension}]`; as in kubectl a name may appear once, unless its first extension is null.
    private func execExtension(_ node: KubeconfigValue?, at field: String) throws(ConfigError) -> JSONValue? {
        var seen: [String: Bool] = [:]
        var found: JSONValue?
        for (index, item) in try list(node, at: field).enumerated() {
            let entry = try mapping(item, at: "\(field)[\(index)]")
            let name = try string(entry["name"], at: "\(field)[\(index)].name") ?? ""
            let extensionValue = entry["extension"].flatMap { $0.isNull ? nil : $0 }
            if seen[name] == true {
                throw invalid("\(field) has two entries named \"\(name)\"", item, remark: "kubectl refuses that too")
            }
            seen[name] = extensionValue != nil
            if name == Self.execExtensionName { found = extensionValue?.json }
        }
        return found
    }

    private func parseUser(_ node: [String: KubeconfigValue], at field: String) throws(ConfigError) -> KubeconfigUser {
        var user = KubeconfigUser()
        user.token = try string(node["token"], at: "\(field).token")
        user.tokenFile = try filePath(node["tokenFile"], at: "\(field).tokenFile")
        user.username = try string(node["username"], at: "\(field).username")
        user.password = try string(node["password"], at: "\(field).password")
        user.clientCertificate = try filePath(node["client-certificate"], at: "\(field).client-certificate")
        user.clientCertificateData = try bytes(node["client-certificate-data"], at: "\(field).client-certificate-data")
        user.clientKey = try filePath(node["client-key"], at: "\(field).client-key")
        user.clientKeyData = try bytes(node["client-key-data"], at: "\(field).client-key-data")
        if let execNode = node["exec"], !execNode.isNull {
            user.exec = try parseExec(try mapping(execNode, at: "\(field).exec"), at: "\(field).exec")
        }
        if let providerNode = node["auth-provider"], !providerNode.isNull {
            let provider = try mapping(providerNode, at: "\(field).auth-provider")
            user.authProviderName = try string(provider["name"], at: "\(field).auth-provider.name") ?? "unnamed"
        }
        return user
    }

    private func parseExec(_ node: [String: KubeconfigValue], at field: String) throws(ConfigError) -> KubeconfigExec {
        var exec = KubeconfigExec()
        exec.apiVersion = try string(node["apiVersion"], at: "\(field).apiVersion")
        exec.command = try string(node["command"], at: "\(field).command").map { command in
            // A bare name is looked up on PATH; only a path with a slash is relative to this file.
            command.contains("/") ? PathResolution.resolve(command, against: folder) : command
        }
        for (index, item) in try list(node["args"], at: "\(field).args").enumerated() {
            exec.args.append(try string(item, at: "\(field).args[\(index)]") ?? "")
        }
        for (index, item) in try list(node["env"], at: "\(field).env").enumerated() {
            let entry = try mapping(item, at: "\(field).env[\(index)]")
            guard let name = try string(entry["name"], at: "\(field).env[\(index)].name"), !name.isEmpty else {
                throw invalid("\(field).env[\(index)] has no name", item)
            }
            let value = try string(entry["value"], at: "\(field).env[\(index)].value") ?? ""
            exec.env.append(ExecPluginConfig.EnvVar(name: name, value: value))
        }
        exec.installHint = try string(node["installHint"], at: "\(field).installHint")
        exec.provideClusterInfo = try bool(node["provideClusterInfo"], at: "\(field).provideClusterInfo") ?? false
        exec.interactiveMode = try string(node["interactiveMode"], at: "\(field).interactiveMode")
        return exec
    }

    private func parseContext(_ node: [String: KubeconfigValue], at field: String) throws(ConfigError)
        -> KubeconfigContext
    {
        KubeconfigContext(
            cluster: try string(node["cluster"], at: "\(field).cluster"),
            user: try string(node["user"], at: "\(field).user"),
            namespace: try string(node["namespace"], at: "\(field).namespace"))
    }

    /// A `[{name: x, <body>: {...}}]` list; kubectl refuses a name used twice in one file.
    private func entries<Value>(
        _ node: KubeconfigValue?, section: String, body: String,
        _ parseBody: ([String: KubeconfigValue], String) throws(ConfigError) -> Value
    ) throws(ConfigError) -> [Named<Value>] {
        var result: [Named<Value>] = []
        var names = Set<String>()
        for (index, item) in try list(node, at: section).enumerated() {
            let field = "\(section)[\(index)]"
            let entry = try mapping(item, at: field)
            guard let name = try string(entry["name"], at: "\(field).name"), !name.isEmpty else {
                throw invalid("\(field) has no name", item)
            }
            guard names.insert(name).inserted else {
                throw invalid("\(section) has two entries named \"\(name)\"", item, remark: "kubectl refuses that too")
            }
            let bodyField = "\(section)[\(name)].\(body)"
            let value = try parseBody(try mapping(entry[body], at: bodyField), bodyField)
            result.append(Named(name: name, file: path, value: value))
        }
        return result
    }

    // MARK: typed fields, as Go's JSON decoder fills them

    /// A mapping; absent or null reads as an empty one.
    private func mapping(_ node: KubeconfigValue?, at field: String) throws(ConfigError) -> [String: KubeconfigValue] {
        guard let node else { return [:] }
        switch node.content {
        case .scalar(.null): return [:]
        case .mapping(let members): return members
        default: throw mismatch(field, expected: "a mapping", node)
        }
    }

    /// A list; absent or null reads as an empty one.
    private func list(_ node: KubeconfigValue?, at field: String) throws(ConfigError) -> [KubeconfigValue] {
        guard let node else { return [] }
        switch node.content {
        case .scalar(.null): return []
        case .list(let items): return items
        default: throw mismatch(field, expected: "a list", node)
        }
    }

    private func string(_ node: KubeconfigValue?, at field: String) throws(ConfigError) -> String? {
        guard let node else { return nil }
        switch node.content {
        case .scalar(.null): return nil
        case .scalar(.string(let text)): return text
        default: throw mismatch(field, expected: "a string", node)
        }
    }

    private func bool(_ node: KubeconfigValue?, at field: String) throws(ConfigError) -> Bool? {
        guard let node else { return nil }
        switch node.content {
        case .scalar(.null): return nil
        case .scalar(.bool(let flag)): return flag
        default: throw mismatch(field, expected: "true or false", node)
        }
    }

    /// A `[]byte` field: a base64 string, decoded as Go does (line breaks skipped, nothing else).
    private func bytes(_ node: KubeconfigValue?, at field: String) throws(ConfigError) -> [UInt8]? {
        guard let text = try string(node, at: field) else { return nil }
        guard let decoded = GoBase64.decode(text) else {
            let hint =
                text.hasPrefix("-----BEGIN")
                ? "; it holds PEM text, which must be base64-encoded here" : "; kubectl refuses it too"
            throw ConfigError.kubeconfig(path, "\(field) is not valid base64\(lineSuffix(node))\(hint)")
        }
        return decoded
    }

    private func filePath(_ node: KubeconfigValue?, at field: String) throws(ConfigError) -> String? {
        guard let value = try string(node, at: field), !value.isEmpty else { return nil }
        return PathResolution.resolve(value, against: folder)
    }

    // MARK: errors

    private func mismatch(_ field: String, expected: String, _ node: KubeconfigValue) -> ConfigError {
        let advice: String
        switch (expected, node.content) {
        case ("a string", .scalar(.int)), ("a string", .scalar(.uint)), ("a string", .scalar(.float)),
            ("a string", .scalar(.bool)):
            advice = "; kubectl reads only strings here: quote the value"
        case ("true or false", .scalar(.string)):
            advice = "; kubectl reads only true or false here: write it without quotes"
        default:
            advice = ""
        }
        return ConfigError.kubeconfig(
            path, "\(field) must be \(expected), not \(node.kindDescription)\(lineSuffix(node))\(advice)")
    }

    private func invalid(_ detail: String, _ node: KubeconfigValue, remark: String? = nil) -> ConfigError {
        ConfigError.kubeconfig(path, "\(detail)\(lineSuffix(node))" + (remark.map { "; \($0)" } ?? ""))
    }

    private func lineSuffix(_ node: KubeconfigValue?) -> String {
        node?.line.map { " (line \($0))" } ?? ""
    }
}
