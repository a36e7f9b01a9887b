import Foundation
import KubeAPI
import Logging
import Synchronization
import TestAPIServer
import TestSupport
import Testing
@testable import Providers

/// Key files that group or others can read work, and barrelman says once, naming the file and the fix.
@Suite struct KeyFilePermissionWarningTests {
    @Test func aServiceAccountKeyOthersCanReadIsWarnedAbout() async throws {
        try await GKEHarness.with { harness in
            let path = harness.keyPath
            for (mode, expected) in [
                (0o644, ["warning -remote-credentials: service-account key \(path) is readable by its group and others (mode 0644): run chmod 600 \(path)"]),
                (0o600, []),
            ] {
                try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
                let capture = LogCapture()
                _ = try ProviderRegistry.standard.makeProvider(
                    flags: harness.flags(),
                    environment: ProviderEnvironment(
                        variables: harness.google.environmentVariables([:]), transport: harness.transport,
                        logger: capture.logger()))
                #expect(capture.messages.filter { $0.contains(path) } == expected)
            }
        }
    }

    @Test func aKubeconfigClientKeyOthersCanReadIsWarnedAboutAndStillWorks() async throws {
        try await KubeconfigProviderTests.withServer { server, files in
            let pair = try server.issueClientCertificate(commonName: "remote-cert-user")
            let certificate = try files.write("client.pem", String(decoding: pair.certificatePEM, as: UTF8.self))
            let key = try files.write("client.key", String(decoding: pair.privateKeyPEM, as: UTF8.self))
            try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: key)
            let path = try files.write(
                "config",
                KubeconfigProviderTests.kubeconfig(
                    server: server, userLines: ["client-certificate: \(certificate)", "client-key: \(key)"]))
            let transport = HTTPTransport()
            defer { transport.shutdown() }
            let capture = LogCapture()
            let provider = try ProviderRegistry.standard.makeProvider(
                flags: ProviderFlags(remoteKubeconfig: path, remoteContext: "remote-context"),
                environment: ProviderEnvironment(variables: [:], transport: transport, logger: capture.logger()))
            let config = try await provider.resolve()
            #expect(
                capture.messages == [
                    "warning remote cluster: kubeconfig \(path): user \"remote-user\": client-key \(key) is readable by "
                        + "its group (mode 0640): run chmod 600 \(key)"
                ])
            let namespaces = try await KubeClient(config: config, transport: transport).list(Namespace.self).items
            #expect(namespaces.contains { $0.metadata.name == "remote-ns" })
        }
    }
}
