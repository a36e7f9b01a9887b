import CYAML

/// Reads YAML text into `YAMLTree`s with libyaml's event parser, which keeps what typing needs and its document
/// API drops: whether a tag was written, and each scalar's style. Anchors are resolved here as go-yaml v2 does
/// (a later anchor of the same name replaces an earlier one; an alias inside the node it names is refused).
/// Failures are one line with the line and column, never the text around them (it may hold a token).
enum YAMLDocumentParser {
    struct Failure: Error, Equatable {
        var detail: String
    }

    /// The stream's documents in order, stopping after `maxDocuments` (what follows is not read, so it may be
    /// anything); an empty stream has none.
    static func parse(_ text: String, maxDocuments: Int = .max) throws(Failure) -> [YAMLTree] {
        try parse(bytes: Array(text.utf8), maxDocuments: maxDocuments)
    }

    /// Bytes as a file holds them: libyaml checks the encoding (UTF-8, or UTF-16 after a byte order mark).
    static func parse(bytes: [UInt8], maxDocuments: Int = .max) throws(Failure) -> [YAMLTree] {
        if bytes.isEmpty { return [] }
        let result = bytes.withUnsafeBufferPointer { input in
            Result { () throws(Failure) in try parse(input, maxDocuments: maxDocuments) }
        }
        return try result.get()
    }

    private static func parse(_ input: UnsafeBufferPointer<UInt8>, maxDocuments: Int) throws(Failure) -> [YAMLTree] {
        // libyaml keeps a pointer to the parser in the parser (its string reader), so it must not move.
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        let event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)
        defer {
            parser.deallocate()
            event.deallocate()
        }
        guard yaml_parser_initialize(parser) == 1 else { throw Failure(detail: "invalid YAML: out of memory") }
        defer { yaml_parser_delete(parser) }
        guard let start = input.baseAddress else { return [] }
        yaml_parser_set_input_string(parser, start, input.count)

        var documents: [YAMLTree] = []
        var builder = TreeBuilder()
        while true {
            guard yaml_parser_parse(parser, event) == 1 else { throw failure(parser.pointee, input) }
            defer { yaml_event_delete(event) }
            let mark = Mark(event.pointee.start_mark)
            switch event.pointee.type {
            case YAML_STREAM_END_EVENT:
                return documents
            case YAML_DOCUMENT_START_EVENT:
                builder = TreeBuilder()
            case YAML_DOCUMENT_END_EVENT:
                if let tree = builder.tree { documents.append(tree) }
                if documents.count >= maxDocuments { return documents }
            case YAML_ALIAS_EVENT:
                try builder.alias(string(event.pointee.data.alias.anchor) ?? "", at: mark)
            case YAML_SCALAR_EVENT:
                let data = event.pointee.data.scalar
                let text = data.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: data.length), as: UTF8.self) }
                let scalar = YAMLTree.Scalar(text: text ?? "", tag: string(data.tag), style: style(data.style))
                builder.add(.scalar(scalar), anchor: string(data.anchor), at: mark)
            case YAML_SEQUENCE_START_EVENT:
                try builder.open(anchor: string(event.pointee.data.sequence_start.anchor), at: mark)
            case YAML_MAPPING_START_EVENT:
                try builder.open(anchor: string(event.pointee.data.mapping_start.anchor), at: mark)
            case YAML_SEQUENCE_END_EVENT:
                try builder.close(mapping: false)
            case YAML_MAPPING_END_EVENT:
                try builder.close(mapping: true)
            default:
                break  // stream start, and the no-event libyaml never returns from a successful parse
            }
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private static func style(_ style: yaml_scalar_style_t) -> YAMLTree.ScalarStyle {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }

    // MARK: failures

    /// A position in the text, counted from 1.
    struct Mark {
        var line: Int
        var column: Int

        init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }

        init(_ mark: yaml_mark_t) {
            line = Int(mark.line) + 1
            column = Int(mark.column) + 1
        }
    }

    static func failure(at mark: Mark, _ problem: String) -> Failure {
        Failure(detail: "invalid YAML at line \(mark.line), column \(mark.column): \(problem)")
    }

    /// libyaml's problem and context are fixed English phrases; the offending text is left out.
    private static func failure(_ parser: yaml_parser_t, _ input: UnsafeBufferPointer<UInt8>) -> Failure {
        let problem = parser.problem.map { String(cString: $0) } ?? "unreadable input"
        switch parser.error {
        case YAML_MEMORY_ERROR:
            return Failure(detail: "invalid YAML: out of memory")
        case YAML_READER_ERROR:
            // The reader knows only the byte offset; the text is UTF-8 up to it (or it would have stopped earlier).
            return failure(at: mark(ofByte: parser.problem_offset, in: input), problem)
        default:
            let context = parser.context.map { " (\(String(cString: $0)))" } ?? ""
            return failure(at: Mark(parser.problem_mark), problem + context)
        }
    }

    /// Line and column (in characters, as libyaml counts them) of a byte offset.
    private static func mark(ofByte offset: Int, in input: UnsafeBufferPointer<UInt8>) -> Mark {
        var line = 1
        var column = 1
        var previous: UInt8 = 0
        for byte in input.prefix(offset) {
            switch byte {
            case UInt8(ascii: "\n") where previous == UInt8(ascii: "\r"):
                break
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                line += 1
                column = 1
            case _ where byte & 0xC0 == 0x80:
                break  // a UTF-8 continuation byte: same character
            default:
                column += 1
            }
            previous = byte
        }
        return Mark(line: line, column: column)
    }
}

/// Builds one document's tree from its events: open collections on a stack, anchors by name.
private struct TreeBuilder {
    private struct OpenCollection {
        var node: Int
        var children: [Int] = []
    }

    private var nodes: [YAMLTree.Node] = []
    /// Nesting below each node, aliases included.
    private var depths: [Int] = []
    private var isOpen: [Bool] = []
    private var anchors: [String: Int] = [:]
    private var stack: [OpenCollection] = []
    private var root: Int?

    var tree: YAMLTree? {
        root.map { YAMLTree(nodes: nodes, root: $0) }
    }

    mutating func add(_ content: YAMLTree.Content, anchor: String?, at mark: YAMLDocumentParser.Mark) {
        let index = nodes.count
        nodes.append(YAMLTree.Node(content: content, line: mark.line, column: mark.column, anchored: anchor != nil))
        depths.append(0)
        isOpen.append(false)
        if let anchor { anchors[anchor] = index }
        attach(index)
    }

    mutating func open(anchor: String?, at mark: YAMLDocumentParser.Mark) throws(YAMLDocumentParser.Failure) {
        guard stack.count < YAMLTree.maxDepth else {
            throw YAMLDocumentParser.failure(at: mark, "nested deeper than \(YAMLTree.maxDepth) levels")
        }
        add(.sequence([]), anchor: anchor, at: mark)
        isOpen[nodes.count - 1] = true
        stack.append(OpenCollection(node: nodes.count - 1))
    }

    mutating func close(mapping: Bool) throws(YAMLDocumentParser.Failure) {
        guard let collection = stack.popLast() else { return }
        let index = collection.node
        isOpen[index] = false
        let depth = 1 + (collection.children.map { depths[$0] }.max() ?? 0)
        guard depth <= YAMLTree.maxDepth else {
            let mark = YAMLDocumentParser.Mark(line: nodes[index].line, column: nodes[index].column)
            throw YAMLDocumentParser.failure(at: mark, "nested deeper than \(YAMLTree.maxDepth) levels")
        }
        depths[index] = depth
        if mapping {
            let children = collection.children
            nodes[index].content = .mapping(
                stride(from: 0, to: children.count - 1, by: 2).map { (key: children[$0], value: children[$0 + 1]) })
        } else {
            nodes[index].content = .sequence(collection.children)
        }
    }

    mutating func alias(_ name: String, at mark: YAMLDocumentParser.Mark) throws(YAMLDocumentParser.Failure) {
        guard let index = anchors[name] else {
            throw YAMLDocumentParser.failure(at: mark, "unknown anchor '\(name)' referenced")
        }
        guard !isOpen[index] else {
            throw YAMLDocumentParser.failure(at: mark, "anchor '\(name)' value contains itself")
        }
        attach(index)
    }

    private mutating func attach(_ index: Int) {
        if stack.isEmpty {
            root = index
        } else {
            stack[stack.count - 1].children.append(index)
        }
    }
}
