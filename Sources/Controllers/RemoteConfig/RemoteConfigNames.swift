/// How `-remote-config` messages name what they are about, and the one naming rule the file's names follow.
enum RemoteConfigNames {
    /// `remotes[1] (east)`, or `remotes[1]` before the name is known.
    static func entry(_ index: Int, _ name: String?) -> String {
        "remotes[\(index)]" + (name.map { " (\($0))" } ?? "")
    }

    /// `remote-config FILE: remotes[1] (east): field "zone" (line 9): PROBLEM`, in one line.
    static func failure(
        file: String, entry: String?, field: String?, line: Int?, _ problem: String
    ) -> RemoteConfigError {
        var parts = ["remote-config \(file)"]
        if let entry { parts.append(entry) }
        if let field { parts.append("field \"\(field)\"" + (line.map { " (line \($0))" } ?? "")) }
        parts.append(problem)
        return RemoteConfigError(parts.joined(separator: ": "))
    }

    /// A DNS-1123 label (what Kubernetes requires of namespace names, and of Lease name parts and metric label
    /// values kept simple): lowercase letters, digits and `-`, at most 63, starting and ending alphanumeric.
    static func isDNSLabel(_ name: String) -> Bool {
        name.utf8.count <= 63 && !name.contains(".") && EndpointSliceNaming.isValidDNSSubdomain(name)
    }
}
