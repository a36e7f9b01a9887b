import Foundation
import Testing
@testable import KubeAPI

/// `KUBERNETES_EXEC_INFO` as a real plugin receives it, compared with the `ExecCredential` client-go writes for the
/// same kubeconfig (its `ConfigToExecCluster` and the clientauthentication v1/v1beta1 JSON with `omitempty`).
@Suite struct ExecCredentialInfoTests {
    /// Loads `kubeconfig` from `dir`, runs its exec plugin (which saves what it was handed) and returns that.
    static func execInfo(in dir: TemporaryDirectory, apiVersion: String, kubeconfig: String) async throws -> String {
        try dir.write(
            "bin/plugin.sh",
            """
            #!/bin/sh
            printf '%s' "$KUBERNETES_EXEC_INFO" > "\(dir.path)/exec-info"
            printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"exec-token"}}' "\(apiVersion)"
            """, executable: true)
        let path = try dir.write("config", kubeconfig)
        let config = try KubeconfigLoader.load(path: path, context: nil, environment: ["PATH": "/usr/bin:/bin"])
        #expect(try await config.credentials.credential().bearerToken == "exec-token")
        return try dir.read("exec-info")
    }

    static func kubeconfig(cluster: String, apiVersion: String, exec: String) -> String {
        """
        apiVersion: v1
        kind: Config
        current-context: x
        clusters:
        - name: c
          cluster:
        \(cluster.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n"))
        users:
        - name: u
          user:
            exec:
              apiVersion: \(apiVersion)
              command: bin/plugin.sh
        \(exec.split(separator: "\n").map { "      \($0)" }.joined(separator: "\n"))
        contexts:
        - {name: x, context: {cluster: c, user: u}}
        """
    }

    static func json(_ text: String) throws -> JSONValue {
        try JSONDocument.decode(JSONValue.self, from: text)
    }

    static let versions = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"]

    @Test(arguments: versions)
    func clusterInfoMatchesClientGoFieldForField(apiVersion: String) async throws {
        try await TemporaryDirectory.with { dir in
            try dir.write("ca.pem", Fixtures.caPEM)
            let cluster = """
                server: https://x.example:6443/
                certificate-authority: ca.pem
                tls-server-name: api.internal
                proxy-url: socks5://proxy.example:1080
                disable-compression: true
                extensions:
                - name: other.example/extension
                  extension: {ignored: true}
                - name: client.authentication.k8s.io/exec
                  extension:
                    audience: 06e3fbd18de8
                    nested: {list: [1, yes, "two", null], number: 1.5}
                """
            // v1 requires interactiveMode; v1beta1 defaults it to IfAvailable, which without a terminal is false.
            let exec =
                apiVersion.hasSuffix("/v1") ? "provideClusterInfo: true\ninteractiveMode: IfAvailable" : "provideClusterInfo: true"
            let info = try await Self.execInfo(
                in: dir, apiVersion: apiVersion,
                kubeconfig: Self.kubeconfig(cluster: cluster, apiVersion: apiVersion, exec: exec))
            let clientGo = """
                {"kind":"ExecCredential","apiVersion":"\(apiVersion)","spec":{"cluster":{
                "server":"https://x.example:6443/","tls-server-name":"api.internal",
                "certificate-authority-data":"\(Fixtures.base64(Fixtures.caPEM))",
                "proxy-url":"socks5://proxy.example:1080","disable-compression":true,
                "config":{"audience":"06e3fbd18de8","nested":{"list":[1,true,"two",null],"number":1.5}}},
                "interactive":false}}
                """
            #expect(try Self.json(info) == Self.json(clientGo))
            #expect(info.hasSuffix("}\n"), "client-go's JSON encoder ends the value with a newline")
        }
    }

    @Test(arguments: [
        (
            "server: https://y.example\ncertificate-authority-data: \(Fixtures.base64(Fixtures.caPEM))",
            #"{"server":"https://y.example","certificate-authority-data":"\#(Fixtures.base64(Fixtures.caPEM))","config":null}"#
        ),
        (
            "server: https://y.example\ninsecure-skip-tls-verify: true\ntls-server-name: ''\nproxy-url: ~",
            #"{"server":"https://y.example","insecure-skip-tls-verify":true,"config":null}"#
        ),
    ])
    func unsetClusterFieldsAreLeftOutButConfigIsNull(cluster: String, expectedCluster: String) async throws {
        try await TemporaryDirectory.with { dir in
            let apiVersion = "client.authentication.k8s.io/v1"
            let info = try await Self.execInfo(
                in: dir, apiVersion: apiVersion,
                kubeconfig: Self.kubeconfig(
                    cluster: cluster, apiVersion: apiVersion, exec: "provideClusterInfo: true\ninteractiveMode: Never"))
            let clientGo =
                #"{"kind":"ExecCredential","apiVersion":"\#(apiVersion)","spec":{"cluster":\#(expectedCluster),"interactive":false}}"#
            #expect(try Self.json(info) == Self.json(clientGo))
        }
    }

    @Test(arguments: versions)
    func withoutProvideClusterInfoOnlyInteractiveIsSent(apiVersion: String) async throws {
        try await TemporaryDirectory.with { dir in
            let cluster = """
                server: https://x.example
                extensions:
                - {name: client.authentication.k8s.io/exec, extension: {audience: a}}
                """
            let info = try await Self.execInfo(
                in: dir, apiVersion: apiVersion,
                kubeconfig: Self.kubeconfig(cluster: cluster, apiVersion: apiVersion, exec: "interactiveMode: Never"))
            let clientGo = #"{"kind":"ExecCredential","apiVersion":"\#(apiVersion)","spec":{"interactive":false}}"#
            #expect(try Self.json(info) == Self.json(clientGo))
        }
    }
}
