import Foundation
import Testing
@testable import KubeAPI

/// Every way YAML (or JSON) can write a kubeconfig scalar, read as kubectl reads it: sigs.k8s.io/yaml with go-yaml
/// v2 underneath, then Go's JSON decoder into clientcmd/api/v1. What kubectl accepts loads to the same value; what
/// it rejects fails with one line naming the file, the field and its line.
@Suite struct KubeconfigYAMLFormsTests {
    static let path = "/kubeconfig-forms/config"

    static func load(_ text: String, context: String? = nil) throws -> ClusterConfig {
        try KubeconfigLoader.load(contents: Array(text.utf8), path: path, context: context, environment: [:])
    }

    /// A context `x` on cluster `c`, whose namespace is written as `form` (the last thing in the file, so that
    /// block scalars keep their trailing lines).
    static func namespaceConfig(_ form: String) -> String {
        """
        current-context: x
        clusters: [{name: c, cluster: {server: "https://x.example"}}]
        contexts:
        - name: x
          context:
            cluster: c
            namespace: \(form)
        """
    }

    @Test(arguments: [
        ("plain", "team-a", "team-a"),
        ("single-quoted, with a doubled quote", "'team''s'", "team's"),
        ("double-quoted, with escapes", #""team-\x41\u00e9\t""#, "team-A\u{e9}\t"),
        ("double-quoted over two lines", "\"team\n      a\"", "team a"),
        ("literal block, clipped", "|\n      team-a\n", "team-a\n"),
        ("literal block, stripped", "|-\n      team-a\n", "team-a"),
        ("literal block, kept", "|+\n      team-a\n\n", "team-a\n\n"),
        ("folded block, clipped", ">\n      team\n      a\n", "team a\n"),
        ("folded block, stripped", ">-\n      team\n      a", "team a"),
        ("folded block keeps more-indented lines", ">-\n      team\n        a", "team\n  a"),
        ("!!str on what would be a number", "!!str 1.26", "1.26"),
        ("!!str on null", "!!str null", "null"),
        ("quoted number", "\"1.26\"", "1.26"),
        ("quoted YAML 1.1 boolean", "'yes'", "yes"),
        ("plain timestamp, which go-yaml v2 keeps as text", "2024-01-01", "2024-01-01"),
        ("!!binary", "!!binary dGVhbS1h", "team-a"),
        ("a local tag", "!team team-a", "team-a"),
        ("the non-specific tag on a number", "! 1.26", "1.26"),
        ("an anchor", "&ns team-a", "team-a"),
        ("an anchor and a tag", "&ns !!str 1.26", "1.26"),
        ("null", "null", "default"),
        ("tilde", "~", "default"),
        ("nothing", "", "default"),
        ("!!null on text", "!!null team-a", "default"),
        ("quoted null, which go-yaml v2 still reads as null", "\"null\"", "default"),
    ])
    func readsStringForms(form: String, yaml: String, expected: String) throws {
        let config = try Self.load(Self.namespaceConfig(yaml))
        #expect(config.defaultNamespace == expected, "\(form)")
    }

    @Test(arguments: [
        ("true", true), ("True", true), ("TRUE", true), ("yes", true), ("on", true), ("y", true),
        ("!!bool \"true\"", true), ("!!bool yes", true), ("false", false), ("no", false), ("off", false),
        ("n", false), ("~", false),
    ])
    func readsBooleanForms(yaml: String, expected: Bool) throws {
        let config = try Self.load(Self.cluster("insecure-skip-tls-verify: \(yaml)"))
        #expect(config.tls.insecureSkipVerify == expected, "\(yaml)")
    }

    /// Base64 cut into indented lines, as YAML emitters write long values.
    static func wrapped(_ base64: String, width: Int, indent: String) -> String {
        var lines: [String] = []
        var rest = Substring(base64)
        while !rest.isEmpty {
            lines.append(indent + rest.prefix(width))
            rest = rest.dropFirst(width)
        }
        return lines.joined(separator: "\n")
    }

    static var caFormsOfCertificateAuthorityData: [(String, String)] {
        let base64 = Fixtures.base64(Fixtures.caPEM)
        let twice = Data(base64.utf8).base64EncodedString()
        return [
            ("plain", base64),
            ("double-quoted", "\"\(base64)\""),
            ("literal block over several lines", "|\n" + wrapped(base64, width: 16, indent: "      ")),
            // What Python's yaml.dump writes for bytes, e.g. the result of base64.b64encode: kubectl decodes the
            // !!binary and then the field's own base64.
            ("!!binary block of the base64 text", "!!binary |\n" + wrapped(twice, width: 76, indent: "      ")),
            ("!!binary on one line", "!!binary \(twice)"),
        ]
    }

    @Test(arguments: caFormsOfCertificateAuthorityData)
    func readsCertificateAuthorityDataForms(form: String, yaml: String) throws {
        let config = try Self.load(Self.cluster("certificate-authority-data: \(yaml)"))
        #expect(config.tls.caPEM == Array(Fixtures.caPEM.utf8), "\(form)")
    }

    @Test func expandsAnchorsAliasesAndMergeKeysAsGoYAMLv2() throws {
        let text = """
            current-context: derived
            clusters:
            - name: base
              cluster: &base {server: "https://base.example", insecure-skip-tls-verify: true}
            - name: derived
              cluster:
                <<: *base
                server: https://derived.example
            - name: listed
              cluster:
                server: https://written-before-the-merge.example
                <<: [{server: "https://first.example"}, {server: "https://second.example"}]
            contexts:
            - {name: derived, context: {cluster: derived, namespace: &ns team-a}}
            - {name: base, context: {cluster: base, namespace: *ns}}
            - {name: listed, context: {cluster: listed}}
            """
        let derived = try Self.load(text)
        #expect(derived.server == "https://derived.example")
        #expect(derived.tls.insecureSkipVerify)
        #expect(derived.defaultNamespace == "team-a")
        let base = try Self.load(text, context: "base")
        #expect(base.server == "https://base.example")
        #expect(base.defaultNamespace == "team-a")
        // go-yaml v2 applies keys in document order, and the first mapping of a merged list wins.
        #expect(try Self.load(text, context: "listed").server == "https://first.example")
    }

    @Test func readsAJSONKubeconfig() async throws {
        let text = #"""
            {
            	"apiVersion": "v1", "kind": "Config", "current-context": "x",
            	"clusters": [{"name": "c", "cluster": {
            		"server": "https:\/\/x.example:6443",
            		"certificate-authority-data": "\#(Fixtures.base64(Fixtures.caPEM))"}}],
            	"users": [{"name": "u", "user": {"token": "json-token-\u0031"}}],
            	"contexts": [{"name": "x", "context": {"cluster": "c", "user": "u", "namespace": "team-a"}}]
            }
            """#
        let config = try Self.load(text)
        #expect(config.server == "https://x.example:6443")
        #expect(config.tls.caPEM == Array(Fixtures.caPEM.utf8))
        #expect(config.defaultNamespace == "team-a")
        #expect(try await config.credentials.credential().bearerToken == "json-token-1")
    }

    @Test func readsOnlyTheFirstDocument() throws {
        let text = Self.namespaceConfig("first") + "\n---\ncurrent-context: other\n---\n[unclosed\n"
        #expect(try Self.load(text).defaultNamespace == "first")
    }

    // MARK: what kubectl rejects

    static func message(_ text: String) -> String? {
        configErrorMessage { _ = try load(text) }
    }

    /// Cluster `c` with `line` added to its body, user `u` with a token, context `x` using both.
    static func cluster(_ line: String) -> String {
        """
        current-context: x
        clusters:
        - name: c
          cluster:
            server: https://x.example
            \(line)
        users:
        - name: u
          user: {token: secret-token-7}
        contexts: [{name: x, context: {cluster: c, user: u}}]
        """
    }

    @Test(arguments: [
        (
            cluster("insecure-skip-tls-verify: \"true\""),
            "clusters[c].cluster.insecure-skip-tls-verify must be true or false, not a string (line 6); kubectl reads only true or false here: write it without quotes"
        ),
        (
            namespaceConfig("1.26"),
            "contexts[x].context.namespace must be a string, not a number (line 7); kubectl reads only strings here: quote the value"
        ),
        (
            namespaceConfig("yes"),
            "contexts[x].context.namespace must be a string, not true or false (line 7); kubectl reads only strings here: quote the value"
        ),
        (
            namespaceConfig("[team-a]"),
            "contexts[x].context.namespace must be a string, not a list (line 7)"
        ),
        (
            cluster("certificate-authority-data: !!binary \(Fixtures.base64(Fixtures.caPEM))"),
            "clusters[c].cluster.certificate-authority-data is not valid base64 (line 6); it holds PEM text, which must be base64-encoded here"
        ),
        (
            cluster("certificate-authority-data: \(Fixtures.base64(Fixtures.caPEM).prefix(20))\n      \(Fixtures.base64(Fixtures.caPEM).dropFirst(20))"),
            "clusters[c].cluster.certificate-authority-data is not valid base64 (line 6); kubectl refuses it too"
        ),
        (
            namespaceConfig("!!int team-a"),
            "contexts[0].context.namespace is tagged !!int but reads as !!str (line 7); kubectl refuses the file too"
        ),
        (
            namespaceConfig("!!binary not*base64"),
            "contexts[0].context.namespace is tagged !!binary but is not base64 (line 7); kubectl refuses the file too"
        ),
        (
            namespaceConfig(".inf"),
            "contexts[0].context.namespace is .inf or .nan, which JSON cannot hold (line 7); kubectl refuses the file too"
        ),
        (
            namespaceConfig("x\n    <<: 5"),
            "contexts[0].context has a << merge of something other than a mapping (line 8); kubectl refuses the file too"
        ),
        (
            cluster("tls-server-name: x\n- {name: c, cluster: {server: \"https://y.example\"}}"),
            "clusters has two entries named \"c\" (line 7); kubectl refuses that too"
        ),
        (
            "kind: Pod\n" + namespaceConfig("a"),
            "kind is \"Pod\"; a kubeconfig has kind Config"
        ),
        (
            cluster("proxy-url: ftp://proxy.example"),
            "cluster \"c\": proxy-url has scheme \"ftp\"; kubectl accepts only http, https or socks5"
        ),
        (
            cluster("tls-server-name: x").replacingOccurrences(
                of: "{token: secret-token-7}", with: "{exec: {apiVersion: client.authentication.k8s.io/v1, command: p}}"),
            "user \"u\": exec interactiveMode must be set for apiVersion client.authentication.k8s.io/v1 (Never, IfAvailable or Always), as kubectl requires"
        ),
        (
            cluster("tls-server-name: x").replacingOccurrences(
                of: "{token: secret-token-7}",
                with: "{exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: p, interactiveMode: Sometimes}}"),
            "user \"u\": exec interactiveMode \"Sometimes\" is not Never, IfAvailable or Always"
        ),
    ])
    func rejectsWhatKubectlRejects(text: String, expected: String) throws {
        let message = try #require(Self.message(text))
        #expect(message == "kubeconfig \(Self.path): \(expected)")
        #expect(!message.contains("secret-"))
    }
}
