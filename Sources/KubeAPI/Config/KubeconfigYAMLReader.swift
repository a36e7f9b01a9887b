/// Reads a kubeconfig's YAML (or JSON, which is YAML) into `KubeconfigValue`s as kubectl does: sigs.k8s.io/yaml
/// decodes the first document with go-yaml v2 and turns it into JSON. So scalars are typed by their tag, style and
/// YAML 1.1 form (`GoYAMLScalar`), anchors and `<<` merge keys are expanded (a later key overrides an earlier one,
/// merged or not), keys become strings, and what JSON cannot hold (`.inf`, a null key) is refused.
/// Failures name the value's path and line, never the value (values may be tokens).
/// Other files read with kubectl's rules (`-remote-config`, the deploy manifests' tests) use it too, with their
/// own `refusal` remark.
package struct KubeconfigYAMLReader {
    package struct Failure: Error {
        package var detail: String
    }

    /// What every refusal ends with: who else refuses the file.
    package static let kubectlRefusal = "kubectl refuses the file too"

    /// The document's root, or nil for an empty file. `refusal` ends the messages of what the YAML holds but
    /// JSON cannot (nil: nothing). Only the first document is read: what follows it may be anything.
    package static func read(_ text: String, refusal: String? = kubectlRefusal) throws(Failure) -> KubeconfigValue? {
        try documents(text, maxDocuments: 1, refusal: refusal).first
    }

    /// Every document of a stream (`---` between them); an empty one is null.
    package static func readAll(_ text: String, refusal: String? = nil) throws(Failure) -> [KubeconfigValue] {
        try documents(text, maxDocuments: .max, refusal: refusal)
    }

    private static func documents(_ text: String, maxDocuments: Int, refusal: String?) throws(Failure)
        -> [KubeconfigValue]
    {
        let trees: [YAMLTree]
        do {
            trees = try YAMLDocumentParser.parse(text, maxDocuments: maxDocuments)
        } catch {
            throw Failure(detail: error.detail)
        }
        var values: [KubeconfigValue] = []
        for tree in trees {
            var reader = KubeconfigYAMLReader(tree: tree, refusal: refusal)
            values.append(try reader.value(tree.root, at: ""))
        }
        return values
    }

    // MARK: conversion

    private let tree: YAMLTree
    private let refusal: String?
    /// Anchored nodes already decoded: meeting one again is going through an alias.
    private var seenAnchored: Set<Int> = []
    private var decodeCount = 0
    private var aliasCount = 0
    private var aliasDepth = 0

    private init(tree: YAMLTree, refusal: String?) {
        self.tree = tree
        self.refusal = refusal
    }

    private mutating func value(_ index: Int, at path: String) throws(Failure) -> KubeconfigValue {
        let viaAlias = try enter(index)
        defer { if viaAlias { aliasDepth -= 1 } }
        let node = tree.nodes[index]
        switch node.content {
        case .scalar(let scalar):
            let resolved = try resolve(scalar, line: node.line, at: path)
            if case .float(let number) = resolved, !number.isFinite {
                throw failure(at: path, node.line, "is .inf or .nan, which JSON cannot hold")
            }
            return KubeconfigValue(content: .scalar(resolved), line: node.line)
        case .sequence(let items):
            var values: [KubeconfigValue] = []
            values.reserveCapacity(items.count)
            for (position, item) in items.enumerated() {
                values.append(try value(item, at: "\(path)[\(position)]"))
            }
            return KubeconfigValue(content: .list(values), line: node.line)
        case .mapping(let pairs):
            var members: [String: KubeconfigValue] = [:]
            var written: Set<GoYAMLScalar.Value> = []
            try fill(&members, from: pairs, written: &written, at: path)
            return KubeconfigValue(content: .mapping(members), line: node.line)
        }
    }

    /// Adds a mapping's pairs in document order, so a later key (merged or written) wins as in go-yaml v2.
    /// `written` holds the keys written in this mapping (not merged): one written twice is refused, as go-yaml v2
    /// refuses it in strict mode (kubectl decodes kubeconfigs non-strict and would keep the later one; a file
    /// saying two things is taken for a mistake here).
    private mutating func fill(
        _ members: inout [String: KubeconfigValue], from pairs: [(key: Int, value: Int)],
        written: inout Set<GoYAMLScalar.Value>, at path: String
    ) throws(Failure) {
        for (keyIndex, valueIndex) in pairs {
            if try enter(keyIndex) { aliasDepth -= 1 }
            let key = tree.nodes[keyIndex]
            guard case .scalar(let scalar) = key.content else {
                throw failure(at: path, key.line, "has a key that is a list or a mapping")
            }
            if isMergeKey(scalar) {
                try merge(valueIndex, into: &members, at: path)
                continue
            }
            let resolved = try resolve(scalar, line: key.line, at: path)
            guard written.insert(resolved).inserted else {
                throw Failure(
                    detail: "invalid YAML at line \(key.line), column \(key.column): "
                        + "\(path.isEmpty ? "the document" : path) has the key \"\(scalar.text)\" twice")
            }
            let name: String
            switch resolved {
            case .string(let text): name = text
            case .int(let number): name = String(number)
            case .uint(let number): name = String(number)
            case .bool(let flag): name = flag ? "true" : "false"
            case .float(let number): name = Self.goKeyText(number)
            case .null: throw failure(at: path, key.line, "has a null key, which JSON cannot hold")
            }
            members[name] = try self.value(valueIndex, at: path.isEmpty ? name : "\(path).\(name)")
        }
    }

    /// `<<: *base` or `<<: [*a, *b]`: the merged mappings' keys, earlier ones in a list taking precedence.
    private mutating func merge(
        _ index: Int, into members: inout [String: KubeconfigValue], at path: String
    ) throws(Failure) {
        let viaAlias = try enter(index)
        defer { if viaAlias { aliasDepth -= 1 } }
        let node = tree.nodes[index]
        var merged: Set<GoYAMLScalar.Value> = []
        switch node.content {
        case .mapping(let pairs):
            try fill(&members, from: pairs, written: &merged, at: path)
        case .sequence(let items):
            for item in items.reversed() {
                guard case .mapping(let pairs) = tree.nodes[item].content else {
                    throw failure(at: path, tree.nodes[item].line, "has a << merge of something other than a mapping")
                }
                let itemViaAlias = try enter(item)
                defer { if itemViaAlias { aliasDepth -= 1 } }
                merged = []
                try fill(&members, from: pairs, written: &merged, at: path)
            }
        case .scalar:
            throw failure(at: path, node.line, "has a << merge of something other than a mapping")
        }
    }

    /// go-yaml v2's `isMerge`: a `<<` key written plain and untagged, or tagged `!!merge`.
    private func isMergeKey(_ scalar: YAMLTree.Scalar) -> Bool {
        guard scalar.text == "<<" else { return false }
        switch scalar.tag {
        case nil: return scalar.style == .plain
        case let tag?: return tag == GoYAMLScalar.tagPrefix + "merge"
        }
    }

    private func resolve(_ scalar: YAMLTree.Scalar, line: Int, at path: String) throws(Failure) -> GoYAMLScalar.Value {
        do {
            return try GoYAMLScalar.resolve(scalar.text, explicitTag: scalar.tag, plain: scalar.style == .plain)
        } catch {
            throw failure(at: path, line, error.reason)
        }
    }

    /// Counts one decoded node and tells whether it was reached through an alias (its anchor seen before), in
    /// which case the caller decrements `aliasDepth` when done. Refuses alias bombs the way go-yaml v2 does.
    private mutating func enter(_ index: Int) throws(Failure) -> Bool {
        var viaAlias = false
        if tree.nodes[index].anchored {
            viaAlias = !seenAnchored.insert(index).inserted
            if viaAlias { aliasDepth += 1 }
        }
        decodeCount += 1
        if aliasDepth > 0 { aliasCount += 1 }
        if aliasCount > 100, decodeCount > 1000,
            Double(aliasCount) / Double(decodeCount) > Self.allowedAliasRatio(decodeCount)
        {
            if viaAlias { aliasDepth -= 1 }
            throw Failure(detail: "the document contains excessive aliasing" + (refusal.map { "; \($0)" } ?? ""))
        }
        return viaAlias
    }

    /// go-yaml v2's limit: up to 99% of decodes may come from aliases in small documents, 10% in huge ones.
    private static func allowedAliasRatio(_ decodeCount: Int) -> Double {
        let low = 400_000.0
        let high = 4_000_000.0
        let count = Double(decodeCount)
        if count <= low { return 0.99 }
        if count >= high { return 0.10 }
        return 0.99 - 0.89 * ((count - low) / (high - low))
    }

    /// A float key as sigs.k8s.io/yaml writes it (`strconv.FormatFloat(f, 'g', -1, 32)`); the exponent form Go
    /// picks for very large or small keys is not reproduced (no kubeconfig field has such a name).
    private static func goKeyText(_ number: Double) -> String {
        if number.isNaN { return ".nan" }
        if number.isInfinite { return number > 0 ? ".inf" : "-.inf" }
        let text = "\(Float(number))"
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// Everything refused here is refused by kubectl too, for the whole file (`refusal` says so).
    private func failure(at path: String, _ line: Int?, _ detail: String) -> Failure {
        let place = path.isEmpty ? "the document" : path
        let lineText = line.map { " (line \($0))" } ?? ""
        return Failure(detail: "\(place) \(detail)\(lineText)" + (refusal.map { "; \($0)" } ?? ""))
    }
}
