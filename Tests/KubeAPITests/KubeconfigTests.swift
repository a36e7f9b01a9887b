import Foundation
import Testing
@testable import KubeAPI

/// A scratch folder for one test, removed afterwards.
struct TemporaryDirectory {
    let path: String

    static func with<R>(_ body: (TemporaryDirectory) async throws -> R) async throws -> R {
        let path = FileManager.default.temporaryDirectory.path + "/barrelman-config-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await body(TemporaryDirectory(path: path))
    }

    /// Writes `contents` to `name` (subfolders created) and returns the absolute path.
    @discardableResult
    func write(_ name: String, _ contents: String, executable: Bool = false) throws -> String {
        let file = "\(path)/\(name)"
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: URL(fileURLWithPath: file))
        if executable {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file)
        }
        return file
    }

    func read(_ name: String) throws -> String {
        try String(contentsOfFile: "\(path)/\(name)", encoding: .utf8)
    }
}

enum Fixtures {
    static let caPEM = "-----BEGIN CERTIFICATE-----\nMIIBfakeCA\n-----END CERTIFICATE-----\n"
    static let certPEM = "-----BEGIN CERTIFICATE-----\nMIIBfakeClient\n-----END CERTIFICATE-----\n"
    static let keyPEM = "-----BEGIN EC PRIVATE KEY-----\nsecret-key-material\n-----END EC PRIVATE KEY-----\n"

    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
}

/// Runs `body`, expecting a ConfigError, and returns its message.
func configErrorMessage(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let error as ConfigError {
        return error.description
    } catch {
        return "unexpected error type: \(error)"
    }
}

@Suite struct KubeconfigTests {
    static let twoContexts = """
        apiVersion: v1
        kind: Config
        current-context: a
        clusters:
        - name: c1
          cluster:
            server: https://one.example:6443/
            certificate-authority-data: \(Fixtures.base64(Fixtures.caPEM))
            tls-server-name: api.one
            proxy-url: socks5://proxy:1080
        - name: c2
          cluster:
            server: https://two.example:443
            insecure-skip-tls-verify: true
        users:
        - name: u1
          user:
            token: secret-token-1
        - name: u2
          user:
            username: alice
            password: secret-password
        contexts:
        - name: a
          context: {cluster: c1, user: u1, namespace: team-a}
        - name: b
          context:
            cluster: c2
            user: u2
        """

    @Test func loadsContentsAsIfReadFromTheirPath() async throws {
        try await TemporaryDirectory.with { dir in
            try dir.write("token", "token-from-file\n")
            let contents = """
                current-context: a
                clusters: [{name: c, cluster: {server: "https://one.example:6443"}}]
                users: [{name: u, user: {tokenFile: token}}]
                contexts: [{name: a, context: {cluster: c, user: u}}]
                """
            let config = try KubeconfigLoader.load(
                contents: Array(contents.utf8), path: dir.path + "/config", context: nil, environment: [:])
            #expect(config.server == "https://one.example:6443")
            #expect(try await config.credentials.credential() == Credential(bearerToken: "token-from-file"))
            #expect(throws: ConfigError.kubeconfig(dir.path + "/config", "is not UTF-8 text")) {
                try KubeconfigLoader.load(contents: [0xff, 0xfe], path: dir.path + "/config", context: nil)
            }
        }
    }

    @Test func loadsTheCurrentContext() async throws {
        try await TemporaryDirectory.with { dir in
            let path = try dir.write("config", Self.twoContexts)
            let config = try KubeconfigLoader.load(path: path, context: nil, environment: [:])
            #expect(config.server == "https://one.example:6443")
            #expect(config.displayName == "a")
            #expect(config.defaultNamespace == "team-a")
            #expect(config.proxyURL == "socks5://proxy:1080")
            #expect(config.tls.caPEM == Array(Fixtures.caPEM.utf8))
            #expect(config.tls.serverName == "api.one")
            #expect(config.tls.insecureSkipVerify == false)
            #expect(try await config.credentials.credential() == Credential(bearerToken: "secret-token-1"))
        }
    }

    @Test func selectsTheRequestedContextAndDefaultsTheNamespace() async throws {
        try await TemporaryDirectory.with { dir in
            let path = try dir.write("config", Self.twoContexts)
            let config = try KubeconfigLoader.load(path: path, context: "b", environment: [:])
            #expect(config.server == "https://two.example:443")
            #expect(config.displayName == "b")
            #expect(config.defaultNamespace == "default")
            #expect(config.tls.insecureSkipVerify)
            let credential = try await config.credentials.credential()
            #expect(credential.basic == BasicAuth(username: "alice", password: "secret-password"))
        }
    }

    @Test func mergesKUBECONFIGFilesFirstWins() async throws {
        try await TemporaryDirectory.with { dir in
            let first = try dir.write("first", """
                current-context: a
                clusters:
                - name: shared
                  cluster: {server: "https://first.example"}
                users:
                - name: shared-user
                  user: {token: first-token}
                contexts:
                - name: a
                  context: {cluster: shared, user: shared-user}
                """)
            let second = try dir.write("second", """
                current-context: b
                clusters:
                - name: shared
                  cluster: {server: "https://second.example"}
                - name: only-second
                  cluster: {server: "https://only-second.example"}
                users:
                - name: shared-user
                  user: {token: second-token}
                contexts:
                - name: a
                  context: {cluster: only-second}
                - name: b
                  context: {cluster: shared, user: shared-user, namespace: from-second}
                """)
            let environment = ["KUBECONFIG": "\(first):\(dir.path)/missing:\(second)"]

            let current = try KubeconfigLoader.load(path: nil, context: nil, environment: environment)
            #expect(current.displayName == "a")
            #expect(current.server == "https://first.example")

            let fromSecond = try KubeconfigLoader.load(path: nil, context: "b", environment: environment)
            #expect(fromSecond.server == "https://first.example")
            #expect(fromSecond.defaultNamespace == "from-second")
            #expect(try await fromSecond.credentials.credential().bearerToken == "first-token")

            let message = configErrorMessage {
                _ = try KubeconfigLoader.load(path: nil, context: "zzz", environment: environment)
            }
            #expect(message == "kubeconfig \(first):\(second): context \"zzz\" not found (available: a, b)")
        }
    }

    @Test func fallsBackToHomeKubeConfig() async throws {
        try await TemporaryDirectory.with { dir in
            try dir.write(".kube/config", Self.twoContexts)
            let config = try KubeconfigLoader.load(path: nil, context: nil, environment: ["HOME": dir.path])
            #expect(config.displayName == "a")
        }
    }

    @Test func resolvesRelativePathsAgainstTheKubeconfigFolder() async throws {
        try await TemporaryDirectory.with { dir in
            try dir.write("kube/certs/ca.pem", Fixtures.caPEM)
            try dir.write("kube/certs/client.pem", Fixtures.certPEM)
            try dir.write("kube/certs/client.key", Fixtures.keyPEM)
            try dir.write("kube/token", "file-token\n")
            let path = try dir.write("kube/config", """
                current-context: x
                clusters:
                - name: c
                  cluster:
                    server: https://x.example
                    certificate-authority: certs/ca.pem
                users:
                - name: u
                  user:
                    client-certificate: ./certs/client.pem
                    client-key: certs/client.key
                    tokenFile: token
                contexts:
                - name: x
                  context: {cluster: c, user: u}
                """)
            let config = try KubeconfigLoader.load(path: path, context: nil, environment: [:])
            #expect(config.tls.caPEM == Array(Fixtures.caPEM.utf8))
            #expect(config.tls.clientCertificatePEM == Array(Fixtures.certPEM.utf8))
            #expect(config.tls.clientKeyPEM == Array(Fixtures.keyPEM.utf8))
            #expect(try await config.credentials.credential().bearerToken == "file-token")
        }
    }

    @Test func decodesClientCertificateDataFields() async throws {
        try await TemporaryDirectory.with { dir in
            let path = try dir.write("config", """
                current-context: x
                clusters:
                - {name: c, cluster: {server: "https://x.example"}}
                users:
                - name: u
                  user:
                    client-certificate-data: \(Fixtures.base64(Fixtures.certPEM))
                    client-key-data: \(Fixtures.base64(Fixtures.keyPEM))
                contexts:
                - {name: x, context: {cluster: c, user: u}}
                """)
            let config = try KubeconfigLoader.load(path: path, context: nil, environment: [:])
            #expect(config.tls.clientCertificatePEM == Array(Fixtures.certPEM.utf8))
            #expect(config.tls.clientKeyPEM == Array(Fixtures.keyPEM.utf8))
            #expect(try await config.credentials.credential() == Credential.none)
        }
    }

    @Test func buildsExecCredentialsWithResolvedCommandAndClusterInfo() async throws {
        try await TemporaryDirectory.with { dir in
            try dir.write("kube/bin/plugin.sh", """
                #!/bin/sh
                printf '%s' "$KUBERNETES_EXEC_INFO" > "\(dir.path)/exec-info"
                echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"exec-token"}}'
                """, executable: true)
            let path = try dir.write("kube/config", """
                current-context: x
                clusters:
                - name: c
                  cluster:
                    server: https://x.example:6443
                    certificate-authority-data: \(Fixtures.base64(Fixtures.caPEM))
                users:
                - name: u
                  user:
                    exec:
                      apiVersion: client.authentication.k8s.io/v1
                      command: bin/plugin.sh
                      provideClusterInfo: true
                      interactiveMode: Never
                contexts:
                - {name: x, context: {cluster: c, user: u}}
                """)
            let config = try KubeconfigLoader.load(path: path, context: nil, environment: ["PATH": "/usr/bin:/bin"])
            let exec = try #require(config.credentials as? ExecCredentials)
            #expect(exec.config.command == "\(dir.path)/kube/bin/plugin.sh")
            #expect(try await config.credentials.credential().bearerToken == "exec-token")
            let info = try dir.read("exec-info")
            #expect(info.contains(#""server":"https://x.example:6443""#))
            #expect(info.contains(#""certificate-authority-data":"\#(Fixtures.base64(Fixtures.caPEM))""#))
        }
    }

    // MARK: errors

    @Test func reportsAMissingFile() {
        let message = configErrorMessage {
            _ = try KubeconfigLoader.load(path: "/nonexistent/config", context: nil, environment: [:])
        }
        #expect(
            message
                == "kubeconfig /nonexistent/config: file not found (set -local-kubeconfig or KUBECONFIG to an existing file)")
    }

    @Test func reportsInvalidYAMLWithItsLineButNotTheLine() async throws {
        try await TemporaryDirectory.with { dir in
            let path = try dir.write("config", "clusters:\n- name: c\n  token: secret-in-broken-line: x\n")
            let message = try #require(configErrorMessage {
                _ = try KubeconfigLoader.load(path: path, context: nil, environment: [:])
            })
            #expect(message.hasPrefix("kubeconfig \(path): invalid YAML at line 3"))
            #expect(!message.contains("secret-in-broken-line"))
            #expect(!message.contains("\n"))
        }
    }

    @Test func reportsContextProblems() async throws {
        try await TemporaryDirectory.with { dir in
            let path = try dir.write("config", """
                clusters:
                - {name: c, cluster: {server: "https://x.example"}}
                contexts:
                - {name: b, context: {cluster: c, user: nobody}}
                - {name: a, context: {cluster: gone}}
                """)
            func message(_ context: String?) -> String? {
                configErrorMessage { _ = try KubeconfigLoader.load(path: path, context: context, environment: [:]) }
            }
            #expect(message("foo") == "kubeconfig \(path): context \"foo\" not found (available: a, b)")
            #expect(message("a") == "kubeconfig \(path): context \"a\" names cluster \"gone\" which is not defined")
            #expect(message("b") == "kubeconfig \(path): context \"b\" names user \"nobody\" which is not defined")
            #expect(
                message(nil)
                    == "kubeconfig \(path): no current-context is set and no context was given (available: a, b)")
        }
    }

    /// One cluster `c` and user `u` with the given bodies, context `x` using them.
    static func singleContext(cluster: String, user: String = "token: secret-token-9") -> String {
        """
        current-context: x
        clusters:
        - name: c
          cluster:
            server: https://x.example
        \(cluster.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n"))
        users:
        - name: u
          user:
        \(user.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n"))
        contexts:
        - {name: x, context: {cluster: c, user: u}}
        """
    }

    @Test(arguments: [
        (
            "certificate-authority: ca.pem", "",
            "cluster \"c\": certificate-authority {dir}/ca.pem cannot be read: No such file or directory"
        ),
        (
            "certificate-authority-data: \(Fixtures.base64("not a pem"))", "",
            "cluster \"c\": certificate-authority-data does not contain a PEM certificate"
        ),
        (
            "certificate-authority-data: '%%%'", "",
            "clusters[c].cluster.certificate-authority-data is not valid base64 (line 6); kubectl refuses it too"
        ),
        (
            "certificate-authority-data: \(Fixtures.base64(Fixtures.caPEM))\ninsecure-skip-tls-verify: true", "",
            "cluster \"c\": specifying a root certificates file with the insecure flag is not allowed (remove certificate-authority or insecure-skip-tls-verify)"
        ),
        (
            "tls-server-name: x", "client-certificate-data: '!!notbase64'\nclient-key-data: \(Fixtures.base64(Fixtures.keyPEM))",
            "users[u].user.client-certificate-data is not valid base64 (line 10); kubectl refuses it too"
        ),
        (
            "tls-server-name: x", "client-certificate-data: \(Fixtures.base64(Fixtures.certPEM))",
            "user \"u\": client-certificate is set but client-key is missing (set both or neither)"
        ),
        (
            "tls-server-name: x", "auth-provider:\n  name: gcp\n  config: {access-token: secret-token-9}",
            "user \"u\": auth-provider \"gcp\" is not supported; use an exec credential plugin instead (for GKE: gke-gcloud-auth-plugin, for AKS: kubelogin, for EKS: aws eks get-token)"
        ),
        (
            "tls-server-name: x", "token: secret-token-9\npassword: secret-password",
            "user \"u\": more than one authentication method (token, username/password); keep only one"
        ),
        (
            "tls-server-name: x", "exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: x}",
            "user \"u\": exec apiVersion is \"client.authentication.k8s.io/v1alpha1\"; use client.authentication.k8s.io/v1 or client.authentication.k8s.io/v1beta1"
        ),
        (
            "tls-server-name: x", "tokenFile: missing-token",
            "user \"u\": tokenFile {dir}/missing-token cannot be read: No such file or directory"
        ),
    ])
    func reportsClusterAndUserProblems(cluster: String, user: String, expected: String) async throws {
        try await TemporaryDirectory.with { dir in
            let path = try dir.write(
                "config", Self.singleContext(cluster: cluster, user: user.isEmpty ? "token: secret-token-9" : user))
            let message = try #require(configErrorMessage {
                _ = try KubeconfigLoader.load(path: path, context: nil, environment: [:])
            })
            #expect(message == "kubeconfig \(path): " + expected.replacingOccurrences(of: "{dir}", with: dir.path))
            #expect(!message.contains("secret-"))
        }
    }

    @Test func reportsAServerlessCluster() async throws {
        try await TemporaryDirectory.with { dir in
            let path = try dir.write("config", """
                current-context: x
                clusters: [{name: c, cluster: {}}]
                contexts: [{name: x, context: {cluster: c}}]
                """)
            let message = configErrorMessage { _ = try KubeconfigLoader.load(path: path, context: nil, environment: [:]) }
            #expect(
                message == "kubeconfig \(path): cluster \"c\" has no server (set clusters[].cluster.server to https://host:port)")
        }
    }

    // MARK: in-cluster

    @Test func readsTheInClusterEnvironment() async throws {
        try await TemporaryDirectory.with { dir in
            try dir.write("sa/token", "sa-token-1\n")
            try dir.write("sa/ca.crt", Fixtures.caPEM)
            try dir.write("sa/namespace", "barrelman-system\n")
            let config = try KubeconfigLoader.inCluster(
                environment: ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "443"],
                serviceAccountDirectory: "\(dir.path)/sa")
            #expect(config.server == "https://[fd00::1]:443")
            #expect(config.displayName == "in-cluster")
            #expect(config.defaultNamespace == "barrelman-system")
            #expect(config.tls.caPEM == Array(Fixtures.caPEM.utf8))
            #expect(config.credentials is TokenFileCredentials)
            #expect(try await config.credentials.credential().bearerToken == "sa-token-1")

            let ipv4 = try KubeconfigLoader.inCluster(
                environment: ["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "6443"],
                serviceAccountDirectory: "\(dir.path)/sa")
            #expect(ipv4.server == "https://10.0.0.1:6443")
        }
    }

    @Test func refusesInClusterOutsideACluster() async throws {
        let message = configErrorMessage { _ = try KubeconfigLoader.inCluster(environment: [:]) }
        #expect(
            message
                == "in-cluster config: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set, so this is not running in a cluster (pass -local-kubeconfig to use a kubeconfig file)")
        try await TemporaryDirectory.with { dir in
            try dir.write("sa/token", "t")
            let missingCA = configErrorMessage {
                _ = try KubeconfigLoader.inCluster(
                    environment: ["KUBERNETES_SERVICE_HOST": "h", "KUBERNETES_SERVICE_PORT": "1"],
                    serviceAccountDirectory: "\(dir.path)/sa")
            }
            #expect(
                missingCA
                    == "in-cluster config: service account \(dir.path)/sa: ca.crt \(dir.path)/sa/ca.crt cannot be read: No such file or directory")
        }
    }
}
