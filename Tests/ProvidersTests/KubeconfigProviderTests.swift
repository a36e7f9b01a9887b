import Foundation
import KubeAPI
import Providers
import TestAPIServer
import TestSupport
import Testing

@Suite struct KubeconfigProviderTests {
    /// A kubeconfig with one cluster (the server, trusted through its CA) and one user given as YAML lines.
    static func kubeconfig(server: TestAPIServer, userLines: [String]) -> String {
        let ca = Data(server.certificateAuthorityPEM).base64EncodedString()
        return """
            apiVersion: v1
            kind: Config
            clusters:
            - name: remote
              cluster:
                server: \(server.url)
                certificate-authority-data: \(ca)
            users:
            - name: remote-user
              user:
            \(userLines.map { "    " + $0 }.joined(separator: "\n"))
            contexts:
            - name: remote-context
              context:
                cluster: remote
                user: remote-user
            - name: other
              context:
                cluster: remote
                user: remote-user
            current-context: other
            """
    }

    /// Resolves through the registry with `-remote-kubeconfig` and `-remote-context` and lists namespaces.
    static func listNamespaces(
        kubeconfig path: String, server: TestAPIServer, variables: [String: String] = [:]
    ) async throws -> [String] {
        let transport = HTTPTransport()
        defer { transport.shutdown() }
        let provider = try ProviderRegistry.standard.makeProvider(
            flags: ProviderFlags(remoteKubeconfig: path, remoteContext: "remote-context"),
            environment: ProviderEnvironment(variables: variables, transport: transport))
        #expect(provider.name == "kubeconfig")
        #expect(provider.displayName == "remote-context")
        let config = try await provider.resolve()
        #expect(config.displayName == "remote-context")
        let client = KubeClient(config: config, transport: transport)
        return try await client.list(Namespace.self).items.map(\.metadata.name)
    }

    static func withServer(_ body: (TestAPIServer, TemporaryFiles) async throws -> Void) async throws {
        let server = try await TestAPIServer.start()
        do {
            let admin = HTTPTransport()
            _ = try await KubeClient(config: server.adminConfig(), transport: admin)
                .create(Namespace(metadata: ObjectMeta(name: "remote-ns")))
            admin.shutdown()
            try await TemporaryFiles.with { files in try await body(server, files) }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test func tokenUser() async throws {
        try await Self.withServer { server, files in
            let token = server.addUser(name: "remote-reader")
            let path = try files.write("config", Self.kubeconfig(server: server, userLines: ["token: \(token)"]))
            #expect(try await Self.listNamespaces(kubeconfig: path, server: server).contains("remote-ns"))
        }
    }

    @Test func clientCertificateUser() async throws {
        try await Self.withServer { server, files in
            let pair = try server.issueClientCertificate(commonName: "remote-cert-user")
            let path = try files.write(
                "config",
                Self.kubeconfig(
                    server: server,
                    userLines: [
                        "client-certificate-data: \(Data(pair.certificatePEM).base64EncodedString())",
                        "client-key-data: \(Data(pair.privateKeyPEM).base64EncodedString())",
                    ]))
            #expect(try await Self.listNamespaces(kubeconfig: path, server: server).contains("remote-ns"))
        }
    }

    @Test func execPluginUser() async throws {
        try await Self.withServer { server, files in
            let token = server.addUser(name: "remote-exec-user")
            let plugin = try files.write(
                "plugin.sh",
                """
                #!/bin/sh
                printf '%s' '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"\(token)"}}'
                """, executable: true)
            let path = try files.write(
                "config",
                Self.kubeconfig(
                    server: server,
                    userLines: [
                        "exec:", "  apiVersion: client.authentication.k8s.io/v1", "  command: \(plugin)",
                        "  interactiveMode: Never",
                    ]))
            let variables = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
            #expect(
                try await Self.listNamespaces(kubeconfig: path, server: server, variables: variables)
                    .contains("remote-ns"))
        }
    }

    @Test func missingKubeconfigNamesTheRemoteFlag() async {
        let message = await providerErrorMessage {
            try await ProviderRegistry.standard.makeProvider(
                flags: ProviderFlags(remoteKubeconfig: "/nonexistent/remote.yaml"),
                environment: ProviderEnvironment(variables: [:], transport: HTTPTransport())
            ).resolve()
        }
        #expect(
            message
                == "remote cluster: kubeconfig /nonexistent/remote.yaml: file not found (set -remote-kubeconfig or KUBECONFIG to an existing file)")
    }

    @Test func unknownContextIsReported() async throws {
        try await Self.withServer { server, files in
            let path = try files.write("config", Self.kubeconfig(server: server, userLines: ["token: x"]))
            let message = await providerErrorMessage {
                try await ProviderRegistry.standard.makeProvider(
                    flags: ProviderFlags(remoteKubeconfig: path, remoteContext: "nope"),
                    environment: ProviderEnvironment(variables: [:], transport: HTTPTransport())
                ).resolve()
            }
            #expect(message?.hasPrefix("remote cluster: kubeconfig \(path)") == true)
            #expect(message?.contains("nope") == true)
        }
    }
}
