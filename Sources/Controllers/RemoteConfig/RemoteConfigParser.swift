import KubeAPI

/// Turns the text of a `-remote-config` file into its remotes:
///
/// ```yaml
/// remotes:
///   - name: west              # unique DNS-1123 label: logs, metrics and Lease names
///     provider: kubeconfig    # kubeconfig | gke | eks
///     kubeconfig: west.yaml   # relative: to this file's folder
///     namespaces: [shop]      # and ignore-namespaces, nodes-per-service, require-export, priority, id
/// ```
///
/// The YAML is read as kubectl reads a kubeconfig (go-yaml v2 typing, `KubeconfigYAMLReader`), and each entry as
/// Go decodes a struct with unknown fields disallowed (`RemoteEntryReader`). Relative `kubeconfig` and
/// `credentials` paths are resolved against the folder of the config file, as kubectl resolves a kubeconfig's.
/// Names and explicit `id`s must be unique. The first problem found is thrown, as one line.
public struct RemoteConfigParser: Sendable {
    /// The file as the user named it, for messages.
    public let path: String
    /// Where relative paths in the file point.
    let folder: String

    public init(path: String) {
        self.path = path
        folder = PathResolution.folder(of: PathResolution.absolute(path, home: nil))
    }

    public func parse(_ text: String) throws(RemoteConfigError) -> [RemoteSpec] {
        let root: KubeconfigValue?
        do {
            root = try KubeconfigYAMLReader.read(text, refusal: nil)
        } catch {
            throw failure(nil, nil, error.detail)
        }
        guard let root, !root.isNull else {
            throw failure(nil, nil, "the file is empty; it needs a \"remotes:\" list of remotes")
        }
        guard case .mapping(let top) = root.content else {
            throw failure(nil, nil, "the top level is \(root.kindDescription); it must be a mapping with a \"remotes:\" list")
        }
        for key in top.keys.sorted() where key != "remotes" {
            throw failure(key, top[key]?.line, "unknown; the file has only \"remotes:\", a list of remotes")
        }
        guard let list = top["remotes"], !list.isNull else {
            throw failure("remotes", top["remotes"]?.line, "missing or empty; list the remotes under it (remotes: [] for none)")
        }
        guard case .list(let entries) = list.content else {
            throw failure("remotes", list.line, "is \(list.kindDescription); it must be a list of remotes (- name: ...)")
        }
        return try specs(of: entries)
    }

    /// Each entry read, then checked against the ones before it.
    private func specs(of entries: [KubeconfigValue]) throws(RemoteConfigError) -> [RemoteSpec] {
        var specs: [RemoteSpec] = []
        var indexByName: [String: Int] = [:]
        var indexByID: [String: Int] = [:]
        for (index, entry) in entries.enumerated() {
            guard case .mapping(let fields) = entry.content else {
                throw RemoteConfigNames.failure(
                    file: path, entry: RemoteConfigNames.entry(index, nil), field: nil, line: nil,
                    "is \(entry.kindDescription)\(entry.line.map { " (line \($0))" } ?? ""); each remote is a mapping with name, provider and the provider's fields")
            }
            var reader = RemoteEntryReader(file: path, folder: folder, index: index, fields: fields)
            let spec = try reader.read()
            if let first = indexByName[spec.name] {
                throw reader.failure(.name, "\"\(spec.name)\" is also the name of remotes[\(first)]; give each remote its own name")
            }
            if let id = spec.overrides.remoteClusterID, let first = indexByID[id] {
                throw reader.failure(
                    .id,
                    "\"\(id)\" is also the id of \(RemoteConfigNames.entry(first, specs[first].name)); each remote needs its own identity")
            }
            indexByName[spec.name] = index
            if let id = spec.overrides.remoteClusterID { indexByID[id] = index }
            specs.append(spec)
        }
        return specs
    }

    private func failure(_ field: String?, _ line: Int?, _ problem: String) -> RemoteConfigError {
        RemoteConfigNames.failure(file: path, entry: nil, field: field, line: line, problem)
    }
}
