import Foundation
import Testing
@testable import KubeAPI

/// A kubeconfig's client-key file that its group or others can read still works, with a warning that names
/// the file and the fix; the caller logs it.
@Suite struct KeyFilePermissionsTests {
    static func config(in dir: TemporaryDirectory, keyMode: Int) throws -> (config: ClusterConfig, keyPath: String, configPath: String) {
        try dir.write("client.pem", Fixtures.certPEM)
        let keyPath = try dir.write("client.key", Fixtures.keyPEM)
        try FileManager.default.setAttributes([.posixPermissions: keyMode], ofItemAtPath: keyPath)
        let configPath = try dir.write("config", """
            current-context: x
            clusters:
            - {name: c, cluster: {server: "https://x.example"}}
            users:
            - name: u
              user: {client-certificate: client.pem, client-key: client.key}
            contexts:
            - {name: x, context: {cluster: c, user: u}}
            """)
        return (try KubeconfigLoader.load(path: configPath, context: nil, environment: [:]), keyPath, configPath)
    }

    @Test func aClientKeyOthersCanReadIsWarnedAboutWithTheFix() async throws {
        try await TemporaryDirectory.with { dir in
            let (config, keyPath, configPath) = try Self.config(in: dir, keyMode: 0o644)
            #expect(
                config.warnings == [
                    "kubeconfig \(configPath): user \"u\": client-key \(keyPath) is readable by its group and others "
                        + "(mode 0644): run chmod 600 \(keyPath)"
                ])
        }
    }

    @Test func aClientKeyOnlyItsOwnerCanReadIsNotWarnedAbout() async throws {
        try await TemporaryDirectory.with { dir in
            let ownerReadWrite = try Self.config(in: dir, keyMode: 0o600).config
            #expect(ownerReadWrite.warnings.isEmpty)
            let ownerRead = try Self.config(in: dir, keyMode: 0o400).config
            #expect(ownerRead.warnings.isEmpty)
        }
    }

    @Test func theWarningNamesWhoCanRead() async throws {
        try await TemporaryDirectory.with { dir in
            let path = try dir.write("key", Fixtures.keyPEM)
            try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
            #expect(KeyFilePermissions.warning(forKeyFile: path, what: "key") == "key \(path) is readable by its group (mode 0640): run chmod 600 \(path)")
            try FileManager.default.setAttributes([.posixPermissions: 0o604], ofItemAtPath: path)
            #expect(KeyFilePermissions.warning(forKeyFile: path, what: "key")?.contains("readable by others (mode 0604)") == true)
            #expect(KeyFilePermissions.warning(forKeyFile: path + ".missing", what: "key") == nil)
        }
    }
}
