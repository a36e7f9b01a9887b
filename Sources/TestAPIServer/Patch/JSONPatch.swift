#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// RFC 6902 JSON patch (add, remove, replace, move, copy, test) with RFC 6901 pointers.
enum JSONPatch {
    /// A malformed patch document (400) or an operation that cannot apply (422).
    enum Failure: Error {
        case malformed(String)
        case cannotApply(String)
    }

    struct Operation {
        var op: String
        var path: [String]
        var rawPath: String
        var value: JSON?
        var from: [String]?
    }

    static func decode(_ patch: JSON) throws(Failure) -> [Operation] {
        guard let elements = patch.arrayValue else {
            throw .malformed("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
        }
        var operations: [Operation] = []
        for element in elements {
            guard let op = element["op"]?.stringValue else { throw .malformed("Unexpected kind: missing op") }
            guard let rawPath = element["path"]?.stringValue else {
                throw .malformed("operation missing path: \(element.text)")
            }
            let path = try pointer(rawPath)
            var from: [String]? = nil
            if op == "move" || op == "copy" {
                guard let rawFrom = element["from"]?.stringValue else {
                    throw .malformed("operation missing from: \(element.text)")
                }
                from = try pointer(rawFrom)
            }
            if ["add", "replace", "test"].contains(op), element["value"] == nil {
                throw .malformed("operation missing value: \(element.text)")
            }
            guard ["add", "remove", "replace", "move", "copy", "test"].contains(op) else {
                throw .malformed("Unexpected kind: \(op)")
            }
            operations.append(Operation(op: op, path: path, rawPath: rawPath, value: element["value"], from: from))
        }
        return operations
    }

    static func pointer(_ text: String) throws(Failure) -> [String] {
        if text.isEmpty { return [] }
        guard text.hasPrefix("/") else { throw .malformed("JSON pointer must be empty or start with a \"/\": \(text)") }
        return text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            String($0.replacing("~1", with: "/").replacing("~0", with: "~"))
        }
    }

    static func apply(_ operations: [Operation], to document: JSON) throws(Failure) -> JSON {
        var result = document
        for operation in operations {
            switch operation.op {
            case "add":
                result = try insert(operation.value ?? .null, at: operation.path, in: result, replacing: false)
            case "replace":
                guard value(at: operation.path, in: result) != nil else {
                    throw .cannotApply("replace operation does not apply: doc is missing key: \(operation.rawPath)")
                }
                result = try insert(operation.value ?? .null, at: operation.path, in: result, replacing: true)
            case "remove":
                result = try remove(at: operation.path, in: result, rawPath: operation.rawPath)
            case "test":
                guard value(at: operation.path, in: result) == operation.value else {
                    throw .cannotApply("testing value \(operation.rawPath) failed: test failed")
                }
            case "move", "copy":
                let from = operation.from ?? []
                guard let moved = value(at: from, in: result) else {
                    throw .cannotApply("\(operation.op) operation does not apply: doc is missing from path")
                }
                if operation.op == "move" { result = try remove(at: from, in: result, rawPath: operation.rawPath) }
                result = try insert(moved, at: operation.path, in: result, replacing: false)
            default:
                throw .malformed("Unexpected kind: \(operation.op)")
            }
        }
        return result
    }

    static func value(at path: [String], in document: JSON) -> JSON? {
        var current = document
        for token in path {
            switch current {
            case .object(let members):
                guard let next = members[token] else { return nil }
                current = next
            case .array(let elements):
                guard let index = Int(token), elements.indices.contains(index) else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }

    private static func insert(_ value: JSON, at path: [String], in document: JSON, replacing: Bool) throws(Failure)
        -> JSON
    {
        guard let token = path.first else { return value }
        let rest = Array(path.dropFirst())
        switch document {
        case .object(var members):
            if rest.isEmpty {
                members[token] = value
            } else {
                guard let child = members[token] else {
                    throw .cannotApply("add operation does not apply: doc is missing path: /\(path.joined(separator: "/"))")
                }
                members[token] = try insert(value, at: rest, in: child, replacing: replacing)
            }
            return .object(members)
        case .array(var elements):
            if rest.isEmpty {
                if token == "-" && !replacing {
                    elements.append(value)
                } else {
                    guard let index = Int(token), index >= 0,
                        replacing ? index < elements.count : index <= elements.count
                    else { throw .cannotApply("add operation does not apply: index out of bounds: \(token)") }
                    if replacing { elements[index] = value } else { elements.insert(value, at: index) }
                }
            } else {
                guard let index = Int(token), elements.indices.contains(index) else {
                    throw .cannotApply("add operation does not apply: index out of bounds: \(token)")
                }
                elements[index] = try insert(value, at: rest, in: elements[index], replacing: replacing)
            }
            return .array(elements)
        default:
            throw .cannotApply("add operation does not apply: doc is missing path: /\(path.joined(separator: "/"))")
        }
    }

    private static func remove(at path: [String], in document: JSON, rawPath: String) throws(Failure) -> JSON {
        guard let token = path.first else { return .null }
        let rest = Array(path.dropFirst())
        switch document {
        case .object(var members):
            guard let child = members[token] else {
                throw .cannotApply("remove operation does not apply: doc is missing path: \"\(rawPath)\"")
            }
            if rest.isEmpty { members.removeValue(forKey: token) } else {
                members[token] = try remove(at: rest, in: child, rawPath: rawPath)
            }
            return .object(members)
        case .array(var elements):
            guard let index = Int(token), elements.indices.contains(index) else {
                throw .cannotApply("remove operation does not apply: doc is missing path: \"\(rawPath)\"")
            }
            if rest.isEmpty { elements.remove(at: index) } else {
                elements[index] = try remove(at: rest, in: elements[index], rawPath: rawPath)
            }
            return .array(elements)
        default:
            throw .cannotApply("remove operation does not apply: doc is missing path: \"\(rawPath)\"")
        }
    }
}
