import Testing
@testable import KubeAPI

/// The YAML reader on libyaml: what each YAML form reads to under go-yaml v2's rules, and what it refuses, with
/// one line naming the line and column. Kubeconfig-specific typing is in KubeconfigYAMLFormsTests.
@Suite struct YAMLReaderTests {
    static func documents(_ text: String) throws(YAMLError) -> [YAMLValue] {
        try YAMLValue.documents(text)
    }

    static func failure(_ text: String) -> String? {
        do {
            _ = try YAMLValue.documents(text)
            return nil
        } catch {
            return error.message
        }
    }

    // MARK: what reads

    @Test(arguments: [
        // anchors and aliases
        ("an alias of a scalar", "a: &x 1\nb: *x\n", .mapping(["a": .int(1), "b": .int(1)])),
        ("an alias of a mapping", "a: &m {k: v}\nb: *m\n", .mapping(["a": .mapping(["k": .string("v")]), "b": .mapping(["k": .string("v")])])),
        ("an alias of a list", "a: &l [1, 2]\nb: *l\n", .mapping(["a": .list([.int(1), .int(2)]), "b": .list([.int(1), .int(2)])])),
        ("an anchor named again replaces the first", "a: &x 1\nb: *x\nc: &x 2\nd: *x\n",
         .mapping(["a": .int(1), "b": .int(1), "c": .int(2), "d": .int(2)])),
        ("an alias as a key", "k: &key name\n*key : v\n", .mapping(["k": .string("name"), "name": .string("v")])),
        ("a merge key, then a written key winning", "base: &b {x: 1, z: 2}\nd:\n  <<: *b\n  z: 3\n",
         .mapping(["base": .mapping(["x": .int(1), "z": .int(2)]), "d": .mapping(["x": .int(1), "z": .int(3)])])),
        ("a YAML 1.1 boolean as a key", "y: 1\nno: 2\n", .mapping(["true": .int(1), "false": .int(2)])),
        ("a quoted << is a plain key", "'<<': 1\n", .mapping(["<<": .int(1)])),
        // block and flow styles
        ("block mapping and list", "a:\n  - 1\n  - x\nb: {c: [d, {e: f}]}\n",
         .mapping(["a": .list([.int(1), .string("x")]), "b": .mapping(["c": .list([.string("d"), .mapping(["e": .string("f")])])])])),
        ("a list not indented under its key", "a:\n- 1\n- 2\n", .mapping(["a": .list([.int(1), .int(2)])])),
        ("JSON", #"{"a": [1, 2.5, true, null, "x"], "b": {}}"#,
         .mapping(["a": .list([.int(1), .float(2.5), .bool(true), .null, .string("x")]), "b": .mapping([:])])),
        ("a flow mapping over lines", "{a: 1,\n b: 2}\n", .mapping(["a": .int(1), "b": .int(2)])),
        ("a key with no value", "a:\nb: 1\n", .mapping(["a": .null, "b": .int(1)])),
        ("a top-level scalar", "hello\n", .string("hello")),
        // multi-line strings
        ("plain over two lines", "a: one\n  two\n", .mapping(["a": .string("one two")])),
        ("double-quoted with an escaped line break", "a: \"one\\\n  two\"\n", .mapping(["a": .string("onetwo")])),
        ("single-quoted over lines with a blank one", "a: 'one\n\n  two'\n", .mapping(["a": .string("one\ntwo")])),
        ("literal", "a: |\n  one\n  two\n", .mapping(["a": .string("one\ntwo\n")])),
        ("literal with an indentation indicator", "a: |2\n    one\n  two\n", .mapping(["a": .string("  one\ntwo\n")])),
        ("folded, stripped", "a: >-\n  one\n  two\n\n", .mapping(["a": .string("one two")])),
        ("folded, kept", "a: >+\n  one\n\n", .mapping(["a": .string("one\n\n")])),
        ("literal then a key", "a: |\n  x\nb: 1\n", .mapping(["a": .string("x\n"), "b": .int(1)])),
        // tags
        ("!!str on an int", "a: !!str 10\n", .mapping(["a": .string("10")])),
        ("!!int on a quoted number", "a: !!int \"10\"\n", .mapping(["a": .int(10)])),
        ("!!float on an int", "a: !!float 1\n", .mapping(["a": .float(1)])),
        ("!!bool on yes", "a: !!bool yes\n", .mapping(["a": .bool(true)])),
        ("!!null on text", "a: !!null x\n", .mapping(["a": .null])),
        ("a local tag", "a: !thing 10\n", .mapping(["a": .string("10")])),
        ("a verbatim tag", "a: !<tag:yaml.org,2002:str> 10\n", .mapping(["a": .string("10")])),
        ("a %TAG directive", "%TAG !e! tag:yaml.org,2002:\n---\na: !e!str 10\n", .mapping(["a": .string("10")])),
        ("!!map on a mapping", "a: !!map {b: 1}\n", .mapping(["a": .mapping(["b": .int(1)])])),
        // go-yaml v2 typing of plain and quoted scalars
        ("YAML 1.1 booleans", "[yes, No, on, OFF, y, true]\n",
         .list([.bool(true), .bool(false), .bool(true), .bool(false), .bool(true), .bool(true)])),
        ("numbers", "[0x1F, 1_000, -7, 1.5e3, 9223372036854775808]\n",
         .list([.int(31), .int(1000), .int(-7), .float(1500), .uint(9_223_372_036_854_775_808)])),
        ("nulls", "[~, null, Null, ]\n", .list([.null, .null, .null])),
        ("quoted scalars are strings", "['yes', \"10\", '']\n", .list([.string("yes"), .string("10"), .string("")])),
        ("keys made strings", "1: a\ntrue: b\n1.5: c\n", .mapping(["1": .string("a"), "true": .string("b"), "1.5": .string("c")])),
        ("keys that only meet as strings: the later wins", "1: a\n'1': b\n", .mapping(["1": .string("b")])),
        ("a byte order mark", "\u{FEFF}a: 1\n", .mapping(["a": .int(1)])),
        ("CRLF line ends", "a: 1\r\nb: |\r\n  x\r\n", .mapping(["a": .int(1), "b": .string("x\n")])),
        ("unicode text and escapes", "a: \"\\u00e9\\t\"\nb: é\n", .mapping(["a": .string("é\t"), "b": .string("é")])),
    ] as [(String, String, YAMLValue)])
    func reads(form: String, text: String, expected: YAMLValue) throws {
        let documents = try Self.documents(text)
        #expect(documents == [expected], "\(form)")
    }

    @Test(arguments: [
        ("nothing", "", []),
        ("only a comment", "# nothing here\n", []),
        ("only white space", "  \n\n", []),
        ("an empty explicit document", "---\n", [.null]),
        ("an ended empty document, then one", "---\n...\n---\na: 1\n", [.null, .mapping(["a": .int(1)])]),
        ("two documents", "a: 1\n---\nb: 2\n", [.mapping(["a": .int(1)]), .mapping(["b": .int(2)])]),
        ("a manifest starting with ---", "---\nkind: A\n---\nkind: B\n", [.mapping(["kind": .string("A")]), .mapping(["kind": .string("B")])]),
        ("anchors stay in their document", "a: &x 1\n---\nb: &x 2\nc: *x\n", [.mapping(["a": .int(1)]), .mapping(["b": .int(2), "c": .int(2)])]),
    ] as [(String, String, [YAMLValue])])
    func readsDocumentStreams(form: String, text: String, expected: [YAMLValue]) throws {
        #expect(try Self.documents(text) == expected, "\(form)")
    }

    @Test func theFirstDocumentIsReadWithoutWhatFollows() throws {
        #expect(try YAMLValue.firstDocument("a: 1\n---\n[unclosed\n") == .mapping(["a": .int(1)]))
        #expect(try YAMLValue.firstDocument("") == nil)
        #expect(Self.failure("a: 1\n---\n[unclosed\n") != nil)
    }

    @Test func valuesKeepTheLineTheyStartOn() throws {
        let root = try #require(try KubeconfigYAMLReader.read("a:\n  b: 1\n  c:\n    - x\n    - |\n      y\n"))
        guard case .mapping(let top) = root.content, case .mapping(let a)? = top["a"]?.content,
            case .list(let items)? = a["c"]?.content
        else {
            Issue.record("unexpected shape")
            return
        }
        #expect(root.line == 1)
        #expect(a["b"]?.line == 2)
        #expect(items.map(\.line) == [4, 5])
    }

    // MARK: what is refused

    static let deep = String(repeating: "[", count: YAMLTree.maxDepth + 1) + String(repeating: "]", count: YAMLTree.maxDepth + 1)

    /// A billion laughs: each level lists the one before ten times.
    static let aliasBomb: String = {
        var lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1..<9 {
            let previous = "*\(Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8(level - 1))))"
            let name = Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8(level)))
            lines.append("\(name): &\(name) [" + Array(repeating: previous, count: 10).joined(separator: ", ") + "]")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    @Test(arguments: [
        ("a tab indenting a key", "a:\n\tb: c\n",
         "invalid YAML at line 2, column 1: found character that cannot start any token (while scanning for the next token)"),
        ("a key indented less than its siblings", "a:\n    b: 1\n  c: 2\n",
         "invalid YAML at line 3, column 3: did not find expected key (while parsing a block mapping)"),
        ("a value on the key's line and below", "a: 1\n  b: 2\n",
         "invalid YAML at line 2, column 4: mapping values are not allowed in this context"),
        ("an unclosed flow list", "a: [1, 2\n",
         "invalid YAML at line 2, column 1: did not find expected ',' or ']' (while parsing a flow sequence)"),
        ("an unclosed quote", "a: \"x\nb: 1\n",
         "invalid YAML at line 3, column 1: found unexpected end of stream (while scanning a quoted scalar)"),
        ("an undefined alias", "a: 1\nb: *nope\n", "invalid YAML at line 2, column 4: unknown anchor 'nope' referenced"),
        ("an alias inside its own anchor", "a: &x [1, *x]\n", "invalid YAML at line 1, column 11: anchor 'x' value contains itself"),
        ("a key written twice", "a: 1\nb: 2\na: 3\n", "invalid YAML at line 3, column 1: the document has the key \"a\" twice"),
        ("a key written twice in another form", "m:\n  1: a\n  0x1: b\n", "invalid YAML at line 3, column 3: m has the key \"0x1\" twice"),
        ("a key written twice in a flow mapping", "{a: 1, a: 2}", "invalid YAML at line 1, column 8: the document has the key \"a\" twice"),
        ("a list as a key", "? [a]\n: b\n", "the document has a key that is a list or a mapping (line 1)"),
        ("a null key", "~: b\n", "the document has a null key, which JSON cannot hold (line 1)"),
        ("an infinite number", "a: [.inf]\n", "a[0] is .inf or .nan, which JSON cannot hold (line 1)"),
        ("a tag that does not fit", "a: !!int x\n", "a is tagged !!int but reads as !!str (line 1)"),
        ("nesting beyond the limit", deep,
         "invalid YAML at line 1, column \(YAMLTree.maxDepth + 1): nested deeper than \(YAMLTree.maxDepth) levels"),
        ("an alias bomb", aliasBomb, "the document contains excessive aliasing"),
        ("a control character", "a: b\u{1}c\n", "invalid YAML at line 1, column 5: control characters are not allowed"),
        ("a NUL byte", "a: 1\nb: \u{0}\n", "invalid YAML at line 2, column 4: control characters are not allowed"),
        ("a second error in a later document", "a: 1\n---\nb: *x\n", "invalid YAML at line 3, column 4: unknown anchor 'x' referenced"),
    ])
    func refuses(form: String, text: String, expected: String) {
        #expect(Self.failure(text) == expected, "\(form)")
    }

    @Test(arguments: [
        ("an invalid UTF-8 byte", Array("a: b".utf8) + [0xFF], "invalid YAML at line 1, column 5: invalid leading UTF-8 octet"),
        ("a cut UTF-8 sequence", Array("a: \n b: ".utf8) + [0xC3], "invalid YAML at line 2, column 5: incomplete UTF-8 octet sequence"),
        ("PNG bytes", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "invalid YAML at line 1, column 1: invalid leading UTF-8 octet"),
    ] as [(String, [UInt8], String)])
    func refusesBytesThatAreNotText(form: String, bytes: [UInt8], expected: String) {
        #expect(throws: YAMLDocumentParser.Failure(detail: expected), "\(form)") {
            _ = try YAMLDocumentParser.parse(bytes: bytes)
        }
    }

    @Test func nestingUpToTheLimitReadsOnATasksStack() async throws {
        let depth = YAMLTree.maxDepth
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let read = await Task.detached { try? YAMLValue.documents(text) }.value
        var value = try #require(read?.first)
        var levels = 0
        while case .list(let items) = value {
            levels += 1
            guard let first = items.first else { break }
            value = first
        }
        #expect(levels == depth)
    }

    /// Every prefix of a document using most of YAML, and the document with bytes changed, reads or fails with
    /// one line; none crashes.
    @Test func neverCrashesOnCutOrGarbledText() {
        let text = """
            %YAML 1.1
            ---
            base: &b {k: "v\\u00e9", n: [1, 2.5, ~, yes]}
            list:
              - <<: *b
                lit: |+
                  one
                fold: >-
                  two
              - !!str 3
              - ? complex
                : 'q''s'
            ...
            --- !!map
            other: *b

            """
        let bytes = Array(text.utf8)
        var failures = 0
        for end in 0...bytes.count {
            failures += Self.readsOrFailsOnOneLine(Array(bytes[..<end])) ? 0 : 1
        }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2000 {
            var garbled = bytes
            for _ in 0..<3 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let position = Int((state >> 33) % UInt64(garbled.count))
                garbled[position] = UInt8(truncatingIfNeeded: state >> 17)
            }
            failures += Self.readsOrFailsOnOneLine(garbled) ? 0 : 1
        }
        #expect(failures == 0)
    }

    /// Parses the bytes, then (when they are UTF-8) reads them with go-yaml v2's typing: whatever fails says so
    /// on one line.
    static func readsOrFailsOnOneLine(_ bytes: [UInt8]) -> Bool {
        do {
            _ = try YAMLDocumentParser.parse(bytes: bytes)
        } catch {
            return !error.detail.contains("\n") && error.detail.hasPrefix("invalid YAML")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { return true }
        do {
            _ = try YAMLValue.documents(text)
            return true
        } catch {
            return !error.message.contains("\n") && !error.message.isEmpty
        }
    }

    // MARK: through the kubeconfig loader

    @Test(arguments: [
        ("clusters:\n- name: c\n\tcluster: {}\n",
         "invalid YAML at line 3, column 1: found a tab character that violates indentation (while scanning a plain scalar)"),
        ("current-context: a\ncurrent-context: b\n",
         "invalid YAML at line 2, column 1: the document has the key \"current-context\" twice"),
        ("users:\n- name: u\n  user:\n    token: secret-1\n    token: secret-2\n",
         "invalid YAML at line 5, column 5: users[0].user has the key \"token\" twice"),
    ])
    func kubeconfigErrorsNameTheFileAndPosition(text: String, expected: String) {
        let path = "/yaml-reader/config"
        let message = configErrorMessage {
            _ = try KubeconfigLoader.load(contents: Array(text.utf8), path: path, context: nil, environment: [:])
        }
        #expect(message == "kubeconfig \(path): \(expected)")
        #expect(message?.contains("secret-") == false)
    }
}
