import Foundation
import Testing
@testable import KubeAPI

@Suite struct CredentialTests {
    @Test func descriptionsRedactSecrets() {
        let credential = Credential(
            bearerToken: "secret-token", basic: BasicAuth(username: "alice", password: "secret-password"),
            clientCertificatePEM: Array(Fixtures.certPEM.utf8), clientKeyPEM: Array(Fixtures.keyPEM.utf8))
        var dumped = ""
        dump(credential, to: &dumped)
        for rendered in [
            credential.description, String(reflecting: credential), "\(credential)", dumped,
            StaticCredentials(credential).description,
        ] {
            #expect(!rendered.contains("secret"))
            #expect(rendered.contains("alice"))
        }
    }

    @Test func staticCredentialsReturnTheirValue() async throws {
        #expect(try await StaticCredentials.token("t").credential() == Credential(bearerToken: "t"))
        #expect(try await NoCredentials().credential().isEmpty)
    }

    // MARK: token file

    @Test func tokenFileIsReReadAfterInvalidate() async throws {
        try await TemporaryDirectory.with { dir in
            let path = try dir.write("token", "first\n")
            let source = TokenFileCredentials(path: path, checkInterval: .seconds(3600))
            #expect(try await source.credential().bearerToken == "first")
            try dir.write("token", "second")
            #expect(try await source.credential().bearerToken == "first")
            await source.invalidate()
            #expect(try await source.credential().bearerToken == "second")
        }
    }

    @Test func tokenFileIsReReadWhenItChanges() async throws {
        try await TemporaryDirectory.with { dir in
            let path = try dir.write("token", "first")
            let source = TokenFileCredentials(path: path, checkInterval: .zero)
            #expect(try await source.credential().bearerToken == "first")
            try dir.write("token", "rotated-token")
            #expect(try await source.credential().bearerToken == "rotated-token")
            // Same size, different modification time.
            try dir.write("token", "rotated-tokeX")
            try FileManager.default.setAttributes(
                [.modificationDate: Date(timeIntervalSinceNow: 3600)], ofItemAtPath: path)
            #expect(try await source.credential().bearerToken == "rotated-tokeX")
        }
    }

    @Test func tokenFileErrorsNameTheFile() async throws {
        let source = TokenFileCredentials(path: "/nonexistent/token")
        await #expect(throws: ConfigError("token file /nonexistent/token cannot be read: No such file or directory")) {
            try await source.credential()
        }
    }

    // MARK: exec plugins

    static func execCredentialJSON(
        apiVersion: String = "client.authentication.k8s.io/v1", status: String = #"{"token":"exec-token"}"#
    ) -> String {
        #"{"apiVersion":"\#(apiVersion)","kind":"ExecCredential","status":\#(status)}"#
    }

    /// A plugin script printing `output`, after running `prelude`.
    static func plugin(_ dir: TemporaryDirectory, _ name: String = "plugin.sh", prelude: String = "", output: String)
        throws -> String
    {
        try dir.write(name, "#!/bin/sh\n\(prelude)\ncat <<'JSON'\n\(output)\nJSON\n", executable: true)
    }

    static func exec(_ command: String, apiVersion: String = "client.authentication.k8s.io/v1", hint: String? = nil)
        -> ExecCredentials
    {
        ExecCredentials(
            config: ExecPluginConfig(apiVersion: apiVersion, command: command, installHint: hint),
            baseEnvironment: ["PATH": "/usr/bin:/bin"])
    }

    @Test(arguments: ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"])
    func execPluginSuppliesAToken(apiVersion: String) async throws {
        try await TemporaryDirectory.with { dir in
            let script = try Self.plugin(dir, output: Self.execCredentialJSON(apiVersion: apiVersion))
            let credential = try await Self.exec(script, apiVersion: apiVersion).credential()
            #expect(credential == Credential(bearerToken: "exec-token"))
        }
    }

    @Test func execPluginSuppliesAClientCertificate() async throws {
        try await TemporaryDirectory.with { dir in
            let certificate = Fixtures.certPEM.replacingOccurrences(of: "\n", with: "\\n")
            let key = Fixtures.keyPEM.replacingOccurrences(of: "\n", with: "\\n")
            let script = try Self.plugin(
                dir,
                output: Self.execCredentialJSON(
                    status: #"{"clientCertificateData":"\#(certificate)","clientKeyData":"\#(key)"}"#))
            let credential = try await Self.exec(script).credential()
            #expect(credential.clientCertificatePEM == Array(Fixtures.certPEM.utf8))
            #expect(credential.clientKeyPEM == Array(Fixtures.keyPEM.utf8))
            #expect(credential.bearerToken == nil)
        }
    }

    @Test func execPluginReceivesExecInfoArgsAndEnv() async throws {
        try await TemporaryDirectory.with { dir in
            let script = try Self.plugin(
                dir,
                prelude: #"printf '%s' "$KUBERNETES_EXEC_INFO" > "\#(dir.path)/info"; echo "$1 $2 $EXTRA" > "\#(dir.path)/args""#,
                output: Self.execCredentialJSON(apiVersion: "client.authentication.k8s.io/v1beta1"))
            let config = ExecPluginConfig(
                apiVersion: "client.authentication.k8s.io/v1beta1", command: script, args: ["get-token", "--fast"],
                env: [.init(name: "EXTRA", value: "extra-value")])
            _ = try await ExecCredentials(config: config, baseEnvironment: ["PATH": "/usr/bin:/bin"]).credential()
            #expect(
                try dir.read("info")
                    == #"{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","spec":{"interactive":false}}"#
                    + "\n")
            #expect(try dir.read("args") == "get-token --fast extra-value\n")
        }
    }

    @Test func execPluginPassesClusterInfoWhenAsked() async throws {
        try await TemporaryDirectory.with { dir in
            let script = try Self.plugin(
                dir, prelude: #"printf '%s' "$KUBERNETES_EXEC_INFO" > "\#(dir.path)/info""#,
                output: Self.execCredentialJSON())
            let config = ExecPluginConfig(
                apiVersion: "client.authentication.k8s.io/v1", command: script, provideClusterInfo: true,
                cluster: ExecClusterInfo(server: "https://x:6443", tlsServerName: "api.x", proxyURL: "http://p:3128"))
            _ = try await ExecCredentials(config: config, baseEnvironment: ["PATH": "/usr/bin:/bin"]).credential()
            let info = try dir.read("info")
            #expect(
                info
                    == #"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{"cluster":{"config":null,"proxy-url":"http://p:3128","server":"https://x:6443","tls-server-name":"api.x"},"interactive":false}}"#
                    + "\n")
        }
    }

    /// A wall clock the test moves by hand.
    final class ManualClock: @unchecked Sendable {
        private let lock = NSLock()
        private var current: Date

        init(_ start: Date) { current = start }

        var now: Date { lock.withLock { current } }

        func set(_ date: Date) { lock.withLock { current = date } }
    }

    @Test func execPluginIsCachedUntilExpiryAndReRunAfterInvalidate() async throws {
        try await TemporaryDirectory.with { dir in
            let script = try Self.plugin(
                dir, prelude: #"echo run >> "\#(dir.path)/runs""#,
                output: Self.execCredentialJSON(
                    status: #"{"token":"exec-token","expirationTimestamp":"2030-01-01T01:00:00Z"}"#))
            let clock = ManualClock(RFC3339.parse("2030-01-01T00:00:00Z") ?? Date())
            let source = ExecCredentials(
                config: ExecPluginConfig(apiVersion: "client.authentication.k8s.io/v1", command: script),
                baseEnvironment: ["PATH": "/usr/bin:/bin"], timeout: .seconds(60), now: { clock.now })
            func runs() throws -> Int { try dir.read("runs").split(separator: "\n").count }

            #expect(try await source.credential().bearerToken == "exec-token")
            clock.set(RFC3339.parse("2030-01-01T00:59:00Z") ?? Date())
            #expect(try await source.credential().bearerToken == "exec-token")
            #expect(try runs() == 1)

            await source.invalidate()
            _ = try await source.credential()
            #expect(try runs() == 2)

            // Refreshed a little ahead of the expiry (10 s at most).
            clock.set(RFC3339.parse("2030-01-01T00:59:55Z") ?? Date())
            _ = try await source.credential()
            #expect(try runs() == 3)
        }
    }

    @Test func execPluginWithPastExpiryIsRunEveryTime() async throws {
        try await TemporaryDirectory.with { dir in
            let script = try Self.plugin(
                dir, prelude: #"echo run >> "\#(dir.path)/runs""#,
                output: Self.execCredentialJSON(
                    status: #"{"token":"exec-token","expirationTimestamp":"2001-01-01T00:00:00Z"}"#))
            let source = Self.exec(script)
            _ = try await source.credential()
            _ = try await source.credential()
            #expect(try dir.read("runs") == "run\nrun\n")
        }
    }

    @Test func execPluginWithoutExpiryIsCachedUntilInvalidate() async throws {
        try await TemporaryDirectory.with { dir in
            let script = try Self.plugin(
                dir, prelude: #"echo run >> "\#(dir.path)/runs""#, output: Self.execCredentialJSON())
            let source = Self.exec(script)
            for _ in 0..<3 { _ = try await source.credential() }
            #expect(try dir.read("runs") == "run\n")
            await source.invalidate()
            _ = try await source.credential()
            #expect(try dir.read("runs") == "run\nrun\n")
        }
    }

    @Test func concurrentCallersShareOneRun() async throws {
        try await TemporaryDirectory.with { dir in
            let script = try Self.plugin(
                dir, prelude: #"echo run >> "\#(dir.path)/runs"; sleep 1"#, output: Self.execCredentialJSON())
            let source = Self.exec(script)
            let tokens = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<8 { group.addTask { try await source.credential().bearerToken } }
                var tokens: [String?] = []
                for try await token in group { tokens.append(token) }
                return tokens
            }
            #expect(tokens == Array(repeating: "exec-token", count: 8))
            #expect(try dir.read("runs") == "run\n")
        }
    }

    // MARK: exec plugin errors

    static func execError(_ source: ExecCredentials) async -> String? {
        do {
            _ = try await source.credential()
            return nil
        } catch {
            return error.description
        }
    }

    @Test func execPluginFailureShowsItsStderr() async throws {
        try await TemporaryDirectory.with { dir in
            let script = try dir.write(
                "fail.sh", "#!/bin/sh\necho 'error: login expired' >&2\necho '  run gcloud auth login  ' >&2\nexit 1\n",
                executable: true)
            #expect(
                await Self.execError(Self.exec(script))
                    == "exec plugin \"\(script)\" failed with exit code 1: error: login expired run gcloud auth login")
        }
    }

    @Test func missingExecPluginShowsTheInstallHint() async {
        let hint = "Install gke-gcloud-auth-plugin for use with kubectl by following\nhttps://cloud.google.com/blog"
        #expect(
            await Self.execError(Self.exec("gke-gcloud-auth-plugin-not-installed", hint: hint))
                == "exec plugin \"gke-gcloud-auth-plugin-not-installed\" not found on PATH: Install gke-gcloud-auth-plugin for use with kubectl by following https://cloud.google.com/blog"
        )
        #expect(
            await Self.execError(Self.exec("/nonexistent/plugin"))
                == "exec plugin \"/nonexistent/plugin\" not found or not executable")
    }

    @Test func execPluginGarbageIsRejectedWithoutQuotingIt() async throws {
        try await TemporaryDirectory.with { dir in
            let script = try Self.plugin(dir, output: "secret-garbage-token")
            let message = try #require(await Self.execError(Self.exec(script)))
            #expect(
                message
                    == "exec plugin \"\(script)\" did not print a valid ExecCredential (output is not a JSON object); run it by hand to see its output")
            #expect(!message.contains("secret"))
        }
    }

    @Test func execPluginWrongAPIVersionOrMissingStatusIsRejected() async throws {
        try await TemporaryDirectory.with { dir in
            let wrongVersion = try Self.plugin(
                dir, "v1beta1.sh", output: Self.execCredentialJSON(apiVersion: "client.authentication.k8s.io/v1beta1"))
            #expect(
                await Self.execError(Self.exec(wrongVersion))
                    == "exec plugin \"\(wrongVersion)\" returned \"client.authentication.k8s.io/v1beta1\", but the kubeconfig asks for \"client.authentication.k8s.io/v1\""
            )
            let noStatus = try Self.plugin(
                dir, "nostatus.sh", output: #"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"}"#)
            #expect(
                await Self.execError(Self.exec(noStatus))
                    == "exec plugin \"\(noStatus)\" returned an ExecCredential without status")
            let badType = try Self.plugin(
                dir, "badtype.sh", output: Self.execCredentialJSON(status: #"{"token":12345}"#))
            #expect(
                await Self.execError(Self.exec(badType))
                    == "exec plugin \"\(badType)\" did not print a valid ExecCredential (status.token: expected a string, found integer); run it by hand to see its output"
            )
        }
    }

    @Test func execPluginIsKilledAfterTheTimeout() async throws {
        try await TemporaryDirectory.with { dir in
            let script = try dir.write("slow.sh", "#!/bin/sh\nexec sleep 30\n", executable: true)
            let source = ExecCredentials(
                config: ExecPluginConfig(apiVersion: "client.authentication.k8s.io/v1", command: script),
                baseEnvironment: ["PATH": "/usr/bin:/bin"], timeout: .milliseconds(300))
            #expect(
                await Self.execError(source)
                    == "exec plugin \"\(script)\" did not finish within 0.3 s and was killed")
        }
    }

    @Test func parsesRFC3339Timestamps() {
        #expect(RFC3339.parse("1970-01-01T00:00:00Z") == Date(timeIntervalSince1970: 0))
        #expect(RFC3339.parse("2024-02-29T12:30:15.5Z") == Date(timeIntervalSince1970: 1_709_209_815.5))
        #expect(RFC3339.parse("2024-02-29T14:30:15+02:00") == Date(timeIntervalSince1970: 1_709_209_815))
        #expect(RFC3339.parse("2024-02-29 12:30") == nil)
        #expect(RFC3339.parse("yesterday") == nil)
    }
}
