#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A parsed field selector: `metadata.name=x`, `metadata.namespace!=y`, comma-separated, all must hold.
public struct FieldSelector: Sendable, Equatable {
    struct Requirement: Sendable, Equatable {
        var field: String
        var negated: Bool
        var value: String
    }

    var requirements: [Requirement]

    public static let everything = FieldSelector(requirements: [])

    public var isEmpty: Bool { requirements.isEmpty }

    /// Fields every resource supports; kube's message names only these.
    static let commonFields = ["metadata.name", "metadata.namespace"]

    /// Extra fields a resource's registry strategy exposes, beyond the common ones.
    static func extraFields(for resource: ResourceKind) -> [String] {
        switch resource.plural {
        case "events":
            return [
                "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
                "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
                "reportingComponent", "source", "type",
            ]
        case "nodes": return ["spec.unschedulable"]
        case "namespaces": return ["status.phase"]
        case "services": return ["spec.clusterIP", "spec.type"]
        default: return []
        }
    }

    /// Parses the `fieldSelector` query parameter against the fields `resource` supports.
    public static func parse(_ text: String, for resource: ResourceKind) throws(SelectorParseError) -> FieldSelector {
        var requirements: [Requirement] = []
        let supported = commonFields + extraFields(for: resource)
        for term in text.split(separator: ",", omittingEmptySubsequences: true) {
            let part = String(term).trimmingSpaces()
            let field: Substring
            let value: Substring
            let negated: Bool
            if let range = part.firstRange(of: "!=") {
                field = part[..<range.lowerBound]; value = part[range.upperBound...]; negated = true
            } else if let range = part.firstRange(of: "==") {
                field = part[..<range.lowerBound]; value = part[range.upperBound...]; negated = false
            } else if let range = part.firstRange(of: "=") {
                field = part[..<range.lowerBound]; value = part[range.upperBound...]; negated = false
            } else {
                throw SelectorParseError(message: "invalid selector: '\(text)'; can't understand '\(part)'")
            }
            let name = String(field).trimmingSpaces()
            guard supported.contains(name) else {
                throw SelectorParseError(
                    message: "\"\(name)\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"")
            }
            requirements.append(Requirement(field: name, negated: negated, value: String(value).trimmingSpaces()))
        }
        return FieldSelector(requirements: requirements)
    }

    /// Whether the object's selectable fields satisfy every requirement.
    public func matches(_ object: JSON) -> Bool {
        requirements.allSatisfy { requirement in
            let actual = FieldSelector.value(of: requirement.field, in: object)
            return (actual == requirement.value) != requirement.negated
        }
    }

    /// A field's value as kube's field-label conversion renders it (absent strings are "", booleans "true"/"false").
    static func value(of field: String, in object: JSON) -> String {
        let path = field.split(separator: ".").map(String.init)
        switch object[path: path] {
        case .string(let value): return value
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return String(value)
        default: return path == ["spec", "unschedulable"] ? "false" : ""
        }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while scalars.first == " " { scalars = scalars.dropFirst() }
        while scalars.last == " " { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
