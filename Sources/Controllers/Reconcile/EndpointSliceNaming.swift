/// Deterministic EndpointSlice names: `<service>-barrelman-<ipv4|ipv6>-<index>`, always a valid DNS subdomain.
/// A federated service's slice set of one source cluster adds a short stable hash of its identity
/// (`<service>-barrelman-<hash>-<family>-<index>`), so the sets of several remotes never collide.
public enum EndpointSliceNaming {
    /// The longest name the API accepts.
    public static let maxNameLength = 253

    /// The name of slice `index` of `family` for the service.
    public static func name(service: String, family: IPAddressFamily, index: Int, source: String? = nil) -> String {
        let suffix = "-barrelman-" + (source.map { sourceTag($0) + "-" } ?? "") + "\(family.rawValue)-\(index)"
        var base = Substring(service.lowercased().prefix(maxNameLength - suffix.count))
        // The suffix starts with "-", so the base must end alphanumeric for the name to stay valid.
        while let last = base.last, !(last.isASCII && (last.isLetter || last.isNumber)) { base = base.dropLast() }
        return (base.isEmpty ? "service" : String(base)) + suffix
    }

    /// The index of a slice named by `name(service:family:index:)`, or nil when the name is not one of those.
    public static func index(of sliceName: String, service: String, family: IPAddressFamily, source: String? = nil) -> Int? {
        guard let dash = sliceName.lastIndex(of: "-"), let index = Int(sliceName[sliceName.index(after: dash)...]),
            index >= 0, name(service: service, family: family, index: index, source: source) == sliceName
        else { return nil }
        return index
    }

    /// Eight hex digits of the source identity's stable hash: short, and the same in every process.
    public static func sourceTag(_ source: String) -> String {
        let hex = String(StableHash.of(source) >> 32, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// True when `name` is a valid DNS-1123 subdomain of at most 253 characters, as Kubernetes requires.
    public static func isValidDNSSubdomain(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= maxNameLength else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            guard let first = label.first, let last = label.last else { return false }
            let alphanumeric: (Character) -> Bool = { $0.isASCII && ($0.isLowercase || $0.isNumber) }
            return alphanumeric(first) && alphanumeric(last) && label.allSatisfy { alphanumeric($0) || $0 == "-" }
        }
    }
}
