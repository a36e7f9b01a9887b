import KubeAPI
import Providers

/// Reads one entry of a `-remote-config` file's `remotes:` list into a `RemoteSpec`, the way Go decodes JSON
/// into a struct with unknown fields disallowed: a string field takes only a string, a boolean only true or
/// false, a number only a whole number; null leaves a field unset. Every refusal is one line naming the file,
/// the entry (index, and name once read) and the field.
struct RemoteEntryReader {
    /// The file as the user named it.
    let file: String
    /// Folder that relative `kubeconfig` and `credentials` paths are resolved against.
    let folder: String
    let index: Int
    let fields: [String: KubeconfigValue]
    /// The entry's name once it has been read, for messages.
    private(set) var name: String?

    init(file: String, folder: String, index: Int, fields: [String: KubeconfigValue]) {
        self.file = file
        self.folder = folder
        self.index = index
        self.fields = fields
    }

    mutating func read() throws(RemoteConfigError) -> RemoteSpec {
        let name = try readName()
        self.name = name
        let kind = try readProvider()
        try checkFieldNames(for: kind)
        for field in kind.requiredFields { _ = try requiredString(field, for: kind) }

        var flags = ProviderFlags()
        flags.remoteProvider = kind.registryName
        flags.remoteKubeconfig = try path(.kubeconfig)
        flags.remoteContext = try string(.context)
        flags.remoteProject = try string(.project)
        if let zone = try string(.zone) { flags.remoteZone = zone }
        flags.remoteClusterName = try string(.clusterName)
        flags.remoteCredentials = try path(.credentials)
        flags.gkeAPIEndpoint = try string(.gkeAPIEndpoint)
        flags.gkeUsePrivateEndpoint = try bool(.gkeUsePrivateEndpoint) ?? false
        flags.eksClusterName = try string(.eksClusterName)
        flags.eksRegion = try string(.eksRegion)
        flags.eksRoleARN = try string(.eksRoleARN)
        flags.eksAPIEndpoint = try string(.eksAPIEndpoint)
        flags.stsEndpoint = try string(.stsEndpoint)
        if let roleARN = flags.eksRoleARN, !roleARN.hasPrefix("arn:") {
            throw failure(.eksRoleARN, "is not a role ARN; write arn:aws:iam::ACCOUNT:role/NAME")
        }

        var overrides = RemoteSettingsOverrides()
        overrides.remoteClusterID = try identity()
        overrides.allowedNamespaces = try namespaces(.namespaces).map(Set.init)
        overrides.ignoredNamespaces = try ignoredNamespaces()
        overrides.nodesPerService = try integer(.nodesPerService)
        if let count = overrides.nodesPerService, count < 0 {
            throw failure(.nodesPerService, "is \(count); use 0 (every node) or more")
        }
        overrides.requireExport = try bool(.requireExport)
        overrides.priority = try integer(.priority)
        return RemoteSpec(name: name, providerFlags: flags, overrides: overrides)
    }

    /// The line of a field, for the parser's checks across entries.
    func line(of field: RemoteConfigField) -> Int? { fields[field.rawValue]?.line }

    // MARK: the fields that decide the others

    private func readName() throws(RemoteConfigError) -> String {
        guard let name = try string(.name) else {
            throw failure(.name, "missing; give each remote a unique name (lowercase letters, digits and -)")
        }
        guard RemoteConfigNames.isDNSLabel(name) else {
            throw failure(
                .name,
                "\"\(name)\" is not a DNS-1123 label (lowercase letters, digits and -, up to 63, starting and ending "
                    + "with a letter or digit); it names the remote's Lease and metrics")
        }
        return name
    }

    private func readProvider() throws(RemoteConfigError) -> RemoteProviderKind {
        guard let name = try string(.provider) else {
            throw failure(.provider, "missing; use one of \(RemoteProviderKind.names)")
        }
        guard let kind = RemoteProviderKind(rawValue: name) else {
            throw failure(.provider, "\"\(name)\" is not a provider; use one of \(RemoteProviderKind.names)")
        }
        return kind
    }

    /// No unknown fields, and none that belongs to another provider.
    private func checkFieldNames(for kind: RemoteProviderKind) throws(RemoteConfigError) {
        for key in fields.keys.sorted() {
            guard let field = RemoteConfigField(rawValue: key) else {
                let hint = Self.suggestion(for: key).map { "did you mean \"\($0)\"? " } ?? ""
                throw failure(
                    key, fields[key]?.line,
                    "unknown; \(hint)a \(kind.rawValue) remote takes "
                        + kind.allowedFields.map(\.rawValue).joined(separator: ", "))
            }
            if let owner = field.provider, owner != kind {
                throw failure(
                    field, "belongs to provider \(owner.rawValue), not \(kind.rawValue); remove it, or set provider: \(owner.rawValue)")
            }
        }
    }

    /// The field a flag name meant: `remote-project` is `project`, `remote-cluster-id` is `id`.
    private static func suggestion(for key: String) -> String? {
        if key == "remote-cluster-id" { return RemoteConfigField.id.rawValue }
        if key == "ignore-namespace" || key == "namespace" { return key + "s" }
        if key.hasPrefix("remote-"), let field = RemoteConfigField(rawValue: String(key.dropFirst("remote-".count))) {
            return field.rawValue
        }
        return nil
    }

    // MARK: settings fields

    /// `id`, with `-remote-cluster-id`'s rule: non-empty and without spaces.
    private func identity() throws(RemoteConfigError) -> String? {
        guard let value = fields[RemoteConfigField.id.rawValue], !value.isNull else { return nil }
        guard let id = try string(.id), !id.contains(where: \.isWhitespace) else {
            throw failure(.id, "must be non-empty and without spaces (e.g. kubeconfig/west), or left out for the provider's")
        }
        return id
    }

    private func namespaces(_ field: RemoteConfigField) throws(RemoteConfigError) -> [String]? {
        guard let names = try stringList(field) else { return nil }
        for name in names where !RemoteConfigNames.isDNSLabel(name) {
            throw failure(field, "\"\(name)\" is not a namespace name (lowercase letters, digits and -)")
        }
        return names
    }

    /// As `-ignore-namespace`: applied in order to the default set, `-NAME` stops ignoring one.
    private func ignoredNamespaces() throws(RemoteConfigError) -> Set<String>? {
        let field = RemoteConfigField.ignoreNamespaces
        guard let values = try stringList(field) else { return nil }
        for value in values where !RemoteConfigNames.isDNSLabel(value.hasPrefix("-") ? String(value.dropFirst()) : value) {
            throw failure(
                field, "\"\(value)\" is not a namespace name (lowercase letters, digits and -), nor -NAME to stop ignoring one")
        }
        do {
            return try IgnoredNamespacesParser.apply(values)
        } catch {
            throw failure(field, "\"\(error.value)\" names no namespace; give a namespace to ignore, or -NAME to stop ignoring one")
        }
    }

    // MARK: typed values

    /// A required field's text; empty counts as missing, as for the flags.
    private func requiredString(_ field: RemoteConfigField, for kind: RemoteProviderKind) throws(RemoteConfigError) -> String {
        guard let text = try string(field, emptyIsUnset: false) else {
            throw failure(field, "required for provider \(kind.rawValue)")
        }
        guard !text.isEmpty else { throw failure(field, "is empty; required for provider \(kind.rawValue)") }
        return text
    }

    /// A string field; nil when absent, null or (with `emptyIsUnset`) empty.
    private func string(_ field: RemoteConfigField, emptyIsUnset: Bool = true) throws(RemoteConfigError) -> String? {
        guard let value = fields[field.rawValue], !value.isNull else { return nil }
        guard case .scalar(.string(let text)) = value.content else {
            let hint = if case .scalar = value.content { "; put it in quotes to make it a string" } else { "" }
            throw failure(field, "is \(value.kindDescription), not a string\(hint)")
        }
        return text.isEmpty && emptyIsUnset ? nil : text
    }

    private func path(_ field: RemoteConfigField) throws(RemoteConfigError) -> String? {
        try string(field).map { PathResolution.resolve($0, against: folder) }
    }

    private func bool(_ field: RemoteConfigField) throws(RemoteConfigError) -> Bool? {
        guard let value = fields[field.rawValue], !value.isNull else { return nil }
        guard case .scalar(.bool(let flag)) = value.content else {
            throw failure(field, "is \(value.kindDescription); use true or false, without quotes")
        }
        return flag
    }

    private func integer(_ field: RemoteConfigField) throws(RemoteConfigError) -> Int? {
        guard let value = fields[field.rawValue], !value.isNull else { return nil }
        switch value.content {
        case .scalar(.int(let number)) where Int(exactly: number) != nil:
            return Int(number)
        case .scalar(.int), .scalar(.uint):
            throw failure(field, "is too large; use a whole number that fits in 64 bits")
        case .scalar(.float(let number)):
            throw failure(field, "is \(number), not a whole number")
        default:
            throw failure(field, "is \(value.kindDescription); use a whole number, without quotes")
        }
    }

    private func stringList(_ field: RemoteConfigField) throws(RemoteConfigError) -> [String]? {
        guard let value = fields[field.rawValue], !value.isNull else { return nil }
        guard case .list(let items) = value.content else {
            throw failure(field, "is \(value.kindDescription); write a list, e.g. [shop, blog]")
        }
        var strings: [String] = []
        for (position, item) in items.enumerated() {
            guard case .scalar(.string(let text)) = item.content else {
                throw failure(
                    field.rawValue, item.line ?? value.line,
                    "item \(position) is \(item.kindDescription); each item is a namespace name")
            }
            strings.append(text)
        }
        return strings
    }

    // MARK: messages

    func failure(_ field: RemoteConfigField, _ problem: String) -> RemoteConfigError {
        failure(field.rawValue, fields[field.rawValue]?.line, problem)
    }

    private func failure(_ field: String, _ line: Int?, _ problem: String) -> RemoteConfigError {
        RemoteConfigNames.failure(
            file: file, entry: RemoteConfigNames.entry(index, name), field: field, line: line, problem)
    }
}
