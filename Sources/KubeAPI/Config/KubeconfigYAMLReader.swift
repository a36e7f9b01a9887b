import Yams

/// Yams' node; `Node` alone is the Kubernetes Node model in this module.
typealias YAMLNode = Yams.Node

/// Reads a kubeconfig's YAML (or JSON, which is YAML) into `KubeconfigValue`s as kubectl does: sigs.k8s.io/yaml
/// decodes the first document with go-yaml v2 and turns it into JSON. So scalars are typed by their tag, style and
/// YAML 1.1 form (`GoYAMLScalar`), anchors and `<<` merge keys are expanded (a later key overrides an earlier one,
/// merged or not), keys become strings, and what JSON cannot hold (`.inf`, a null key) is refused.
/// Failures name the value's path and line, never the value (values may be tokens).
/// Other files read with kubectl's rules (`-remote-config`) use it too, with their own `refusal` remark.
package struct KubeconfigYAMLReader {
    package struct Failure: Error {
        package var detail: String
    }

    /// What every refusal ends with: who else refuses the file.
    package static let kubectlRefusal = "kubectl refuses the file too"

    /// The document's root, or nil for an empty file. `refusal` ends the messages of what the YAML holds but
    /// JSON cannot (nil: nothing).
    package static func read(_ text: String, refusal: String? = kubectlRefusal) throws(Failure) -> KubeconfigValue? {
        let parser: Parser
        let root: YAMLNode?
        do {
            parser = try Parser(yaml: text)
            root = try parser.nextRoot()
        } catch {
            throw Failure(detail: describe(error))
        }
        // Anchors are weakly held by nodes and owned by the parser, which must outlive the conversion.
        defer { withExtendedLifetime(parser) {} }
        guard let root else { return nil }
        var reader = KubeconfigYAMLReader(source: SourceText(text), refusal: refusal)
        return try reader.value(root, at: "")
    }

    // MARK: conversion

    private let source: SourceText
    private let refusal: String?
    private var seenAnchors: Set<ObjectIdentifier> = []
    private var decodeCount = 0
    private var aliasCount = 0
    private var aliasDepth = 0

    private init(source: SourceText, refusal: String?) {
        self.source = source
        self.refusal = refusal
    }

    private mutating func value(_ node: YAMLNode, at path: String) throws(Failure) -> KubeconfigValue {
        let viaAlias = try enter(node)
        defer { if viaAlias { aliasDepth -= 1 } }
        let line = node.mark?.line
        switch node {
        case .scalar(let scalar):
            let resolved = try resolve(scalar, at: path)
            if case .float(let number) = resolved, !number.isFinite {
                throw failure(at: path, line, "is .inf or .nan, which JSON cannot hold")
            }
            return KubeconfigValue(content: .scalar(resolved), line: line)
        case .sequence(let sequence):
            var items: [KubeconfigValue] = []
            for (index, item) in sequence.enumerated() {
                items.append(try value(item, at: "\(path)[\(index)]"))
            }
            return KubeconfigValue(content: .list(items), line: line)
        case .mapping(let mapping):
            var members: [String: KubeconfigValue] = [:]
            try fill(&members, from: mapping, at: path)
            return KubeconfigValue(content: .mapping(members), line: line)
        case .alias:
            // Yams' composer replaces aliases with the anchored node; nothing else builds the tree.
            throw failure(at: path, line, "is an alias that could not be resolved")
        }
    }

    /// Adds a mapping's pairs in document order, so a later key (merged or written) wins as in go-yaml v2.
    private mutating func fill(
        _ members: inout [String: KubeconfigValue], from mapping: YAMLNode.Mapping, at path: String
    ) throws(Failure) {
        for (key, value) in mapping {
            if try enter(key) { aliasDepth -= 1 }
            guard case .scalar(let scalar) = key else {
                throw failure(at: path, key.mark?.line, "has a key that is a list or a mapping")
            }
            if isMergeKey(scalar) {
                try merge(value, into: &members, at: path)
                continue
            }
            let name: String
            switch try resolve(scalar, at: path) {
            case .string(let text): name = text
            case .int(let number): name = String(number)
            case .uint(let number): name = String(number)
            case .bool(let flag): name = flag ? "true" : "false"
            case .float(let number): name = Self.goKeyText(number)
            case .null: throw failure(at: path, key.mark?.line, "has a null key, which JSON cannot hold")
            }
            members[name] = try self.value(value, at: path.isEmpty ? name : "\(path).\(name)")
        }
    }

    /// `<<: *base` or `<<: [*a, *b]`: the merged mappings' keys, earlier ones in a list taking precedence.
    private mutating func merge(
        _ node: YAMLNode, into members: inout [String: KubeconfigValue], at path: String
    ) throws(Failure) {
        let viaAlias = try enter(node)
        defer { if viaAlias { aliasDepth -= 1 } }
        switch node {
        case .mapping(let mapping):
            try fill(&members, from: mapping, at: path)
        case .sequence(let sequence):
            for item in sequence.reversed() {
                guard case .mapping(let mapping) = item else {
                    throw failure(at: path, item.mark?.line, "has a << merge of something other than a mapping")
                }
                let itemViaAlias = try enter(item)
                defer { if itemViaAlias { aliasDepth -= 1 } }
                try fill(&members, from: mapping, at: path)
            }
        default:
            throw failure(at: path, node.mark?.line, "has a << merge of something other than a mapping")
        }
    }

    /// go-yaml v2's `isMerge`: a `<<` key written plain and untagged, or tagged `!!merge`.
    private func isMergeKey(_ scalar: YAMLNode.Scalar) -> Bool {
        guard scalar.string == "<<" else { return false }
        switch explicitTag(of: scalar) {
        case nil: return scalar.style == .plain
        case let tag?: return tag == GoYAMLScalar.tagPrefix + "merge"
        }
    }

    private func resolve(_ scalar: YAMLNode.Scalar, at path: String) throws(Failure) -> GoYAMLScalar.Value {
        do {
            return try GoYAMLScalar.resolve(
                scalar.string, explicitTag: explicitTag(of: scalar), plain: scalar.style == .plain)
        } catch {
            throw failure(at: path, scalar.mark?.line, error.reason)
        }
    }

    /// The tag written on a scalar, if any. Yams reports an untagged quoted scalar as `!!str`, and resolves the
    /// tags of mapping keys when it checks them for duplicates, so where that matters the text decides.
    private func explicitTag(of scalar: YAMLNode.Scalar) -> String? {
        let tag = scalar.tag.rawValue
        if tag.isEmpty { return nil }
        let ambiguous = scalar.style == .plain || scalar.string == "null" || scalar.string == "~"
        guard ambiguous, let mark = scalar.mark else { return tag }
        return source.startsWithTag(at: mark) ? tag : nil
    }

    /// Counts one decoded node and tells whether it was reached through an alias (its anchor seen before), in
    /// which case the caller decrements `aliasDepth` when done. Refuses alias bombs the way go-yaml v2 does.
    private mutating func enter(_ node: YAMLNode) throws(Failure) -> Bool {
        var viaAlias = false
        if let anchor = Self.anchor(of: node) {
            viaAlias = !seenAnchors.insert(ObjectIdentifier(anchor)).inserted
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

    private static func anchor(of node: YAMLNode) -> Anchor? {
        switch node {
        case .scalar(let scalar): scalar.anchor
        case .mapping(let mapping): mapping.anchor
        case .sequence(let sequence): sequence.anchor
        case .alias: nil
        }
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

    /// Yams' own description quotes the offending line, which may hold a token: only position and problem pass.
    static func describe(_ error: any Error) -> String {
        guard let yamlError = error as? YamlError else { return "invalid YAML" }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let contextText = context.map { " (\($0.text))" } ?? ""
            return "invalid YAML at line \(mark.line), column \(mark.column): \(problem)\(contextText)"
        case .reader(let problem, _, _, _):
            return "invalid YAML: \(problem)"
        case .duplicatedKeysInMapping(let duplicates, let context):
            return "invalid YAML at line \(context.mark.line): duplicate keys \(duplicates.sorted().joined(separator: ", "))"
        case .dataCouldNotBeDecoded:
            return "invalid YAML: the file is not UTF-8 text"
        default:
            return "invalid YAML"
        }
    }
}

/// The kubeconfig text by line, to look at what starts a node (Yams does not say whether a tag was written).
private struct SourceText {
    private let lines: [[Unicode.Scalar]]

    init(_ text: String) {
        var lines: [[Unicode.Scalar]] = [[]]
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            // libyaml's line breaks; a BOM at the start is not counted in columns.
            switch scalar {
            case "\n" where previous == "\r":
                break
            case "\n", "\r", "\u{85}", "\u{2028}", "\u{2029}":
                lines.append([])
            case "\u{FEFF}" where lines.count == 1 && lines[0].isEmpty:
                break
            default:
                lines[lines.count - 1].append(scalar)
            }
            previous = scalar
        }
        self.lines = lines
    }

    /// Whether the node starting at `mark` carries a tag: `!…`, possibly after an anchor `&name`.
    func startsWithTag(at mark: Mark) -> Bool {
        var line = mark.line - 1
        var column = mark.column - 1
        func current() -> Unicode.Scalar? {
            guard line >= 0, line < lines.count else { return nil }
            return column < lines[line].count ? lines[line][column] : "\n"
        }
        func advance() {
            guard line >= 0, line < lines.count else { return }
            if column < lines[line].count {
                column += 1
            } else {
                line += 1
                column = 0
            }
        }
        if current() == "&" {
            while let scalar = current(), !" \t\n".unicodeScalars.contains(scalar) { advance() }
            while let scalar = current(), " \t\n".unicodeScalars.contains(scalar) { advance() }
        }
        return current() == "!"
    }
}
