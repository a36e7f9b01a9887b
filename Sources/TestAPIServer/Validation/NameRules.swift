/// Kubernetes name rules (apimachinery's validation package), with kube's exact messages.
enum NameRules {
    private static func isAlnumLower(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
    }

    private static func isAlnum(_ c: UInt8) -> Bool {
        isAlnumLower(c) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
    }

    static func isDNS1123Label(_ name: String) -> Bool {
        name.utf8.count <= 63 && hasDNS1123LabelCharacters(name)
    }

    /// A label's character rules without its length limit.
    private static func hasDNS1123LabelCharacters(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, let last = bytes.last, isAlnumLower(first), isAlnumLower(last) else {
            return false
        }
        return bytes.allSatisfy { isAlnumLower($0) || $0 == UInt8(ascii: "-") }
    }

    static func isDNS1035Label(_ name: String) -> Bool {
        guard isDNS1123Label(name), let first = name.utf8.first else { return false }
        return first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z")
    }

    /// kube's regex limits only the whole name (253), not each dot-separated part: `a-<80 chars>` is valid.
    static func isDNS1123Subdomain(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy {
            hasDNS1123LabelCharacters(String($0))
        }
    }

    /// The name part of a qualified name or a label value: alphanumerics, '-', '_', '.', alphanumeric ends, <= 63.
    static func isQualifiedNamePart(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 63, let first = bytes.first, let last = bytes.last, isAlnum(first),
            isAlnum(last)
        else { return false }
        return bytes.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    static let dns1123LabelMessage =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and "
        + "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
        + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    static let dns1035LabelMessage =
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
        + "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for "
        + "validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
    static let dns1123SubdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
        + "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
        + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"

    /// The name rule a resource uses, as a field error when `name` breaks it.
    static func validate(name: String, for resource: ResourceKind) -> FieldError? {
        if resource.plural == "services" {
            return isDNS1035Label(name) ? nil : .invalid("metadata.name", .string(name), dns1035LabelMessage)
        }
        if resource.namesAreLabels {
            return isDNS1123Label(name) ? nil : .invalid("metadata.name", .string(name), dns1123LabelMessage)
        }
        if name.utf8.count > 253 {
            return .invalid("metadata.name", .string(name), "must be no more than 253 characters")
        }
        return isDNS1123Subdomain(name) ? nil : .invalid("metadata.name", .string(name), dns1123SubdomainMessage)
    }
}
