#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Accessors for the `metadata` members the server manages.
extension JSON {
    var name: String { self[path: ["metadata", "name"]]?.stringValue ?? "" }
    var namespace: String? {
        guard let namespace = self[path: ["metadata", "namespace"]]?.stringValue, !namespace.isEmpty else { return nil }
        return namespace
    }
    var uid: String { self[path: ["metadata", "uid"]]?.stringValue ?? "" }
    var resourceVersionString: String { self[path: ["metadata", "resourceVersion"]]?.stringValue ?? "" }
    var labels: [String: String] { self[path: ["metadata", "labels"]]?.stringMap ?? [:] }
    var finalizers: [String] {
        self[path: ["metadata", "finalizers"]]?.arrayValue?.compactMap(\.stringValue) ?? []
    }
    var isBeingDeleted: Bool {
        guard let timestamp = self[path: ["metadata", "deletionTimestamp"]] else { return false }
        return !timestamp.isNull
    }
    var ownerUIDs: [String] {
        self[path: ["metadata", "ownerReferences"]]?.arrayValue?.compactMap { $0["uid"]?.stringValue } ?? []
    }

    /// The object without `kind` and `apiVersion`, as items of typed lists are rendered.
    var withoutTypeMeta: JSON {
        var copy = self
        copy["kind"] = nil
        copy["apiVersion"] = nil
        return copy
    }
}

/// Storage keys sort like etcd keys: `namespace/name`, or `name` for cluster-scoped objects.
enum StorageKey {
    static func make(namespace: String?, name: String) -> String {
        guard let namespace else { return name }
        return "\(namespace)/\(name)"
    }
}

enum Clock {
    /// RFC 3339 UTC with second precision, as kube's metav1.Time.
    static func now() -> String { Date().ISO8601Format() }
}

enum NameGenerator {
    /// kube's `utilrand.String` alphabet: no vowels, no confusable characters.
    private static let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")

    /// kube's SimpleNameGenerator: the base cut to 58 characters, then 5 random ones, so a generated name
    /// fits in 63 whatever the base.
    static func generate(base: String) -> String {
        String(base.prefix(58)) + String((0..<5).map { _ in alphabet.randomElement() ?? "x" })
    }
}
