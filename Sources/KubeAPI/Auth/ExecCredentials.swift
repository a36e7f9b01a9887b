#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Credentials from a client-go exec plugin (`client.authentication.k8s.io/v1` or `v1beta1`), e.g.
/// `gke-gcloud-auth-plugin` or `aws eks get-token`.
///
/// The plugin's answer is cached until shortly before its `expirationTimestamp` (or, without one, until
/// `invalidate()` after a 401). Concurrent callers wait for one shared run of the plugin.
public actor ExecCredentials: CredentialSource {
    /// The plugin this source runs.
    public nonisolated let config: ExecPluginConfig
    private let baseEnvironment: [String: String]
    private let timeout: Duration
    /// Wall clock for expiry decisions; tests substitute their own.
    private let now: @Sendable () -> Date

    private var cached: CachedCredential?
    private var inFlight: Task<Result<CachedCredential, ConfigError>, Never>?

    /// - Parameters:
    ///   - baseEnvironment: the environment the plugin inherits (and whose PATH finds it); `config.env` is added.
    ///   - timeout: the plugin is killed when it runs longer.
    public init(
        config: ExecPluginConfig,
        baseEnvironment: [String: String] = ProcessInfo.processInfo.environment,
        timeout: Duration = .seconds(60)
    ) {
        self.init(config: config, baseEnvironment: baseEnvironment, timeout: timeout, now: { Date() })
    }

    init(
        config: ExecPluginConfig, baseEnvironment: [String: String], timeout: Duration,
        now: @escaping @Sendable () -> Date
    ) {
        self.config = config
        self.baseEnvironment = baseEnvironment
        self.timeout = timeout
        self.now = now
    }

    public func credential() async throws(ConfigError) -> Credential {
        if let cached, cached.isFresh(at: now()) {
            return cached.credential
        }
        let refresh: Task<Result<CachedCredential, ConfigError>, Never>
        if let inFlight {
            refresh = inFlight
        } else {
            let config = config
            let environment = baseEnvironment
            let timeout = timeout
            let now = now
            refresh = Task {
                await Self.fetch(config: config, baseEnvironment: environment, timeout: timeout, now: now)
            }
            inFlight = refresh
        }
        let result = await refresh.value
        // The first waiter to resume publishes the result; the others only read it.
        if inFlight == refresh {
            inFlight = nil
            if case .success(let fresh) = result { cached = fresh }
        }
        return try result.get().credential
    }

    public func invalidate() async {
        cached = nil
    }

    // MARK: private

    struct CachedCredential: Sendable {
        var credential: Credential
        /// When to run the plugin again; nil keeps the credential until `invalidate()`.
        var refreshAt: Date?

        func isFresh(at now: Date) -> Bool {
            guard let refreshAt else { return true }
            return now < refreshAt
        }
    }

    private static func fetch(
        config: ExecPluginConfig, baseEnvironment: [String: String], timeout: Duration,
        now: @Sendable () -> Date
    ) async -> Result<CachedCredential, ConfigError> {
        do throws(ConfigError) {
            let name = config.command
            if config.interactiveMode == "Always" {
                throw ConfigError(
                    "exec plugin \"\(name)\" requires interactiveMode Always, but barrelman runs without a "
                        + "terminal; configure the plugin to work non-interactively")
            }
            let executable = try resolveExecutable(config: config, path: baseEnvironment["PATH"])
            var environment = baseEnvironment
            for variable in config.env { environment[variable.name] = variable.value }
            environment["KUBERNETES_EXEC_INFO"] = execInfo(config: config)

            let started = now()
            let outcome = await ExecPluginRunner.run(
                executable: executable, arguments: config.args, environment: environment, timeout: timeout)
            switch outcome {
            case .launchFailed(let reason):
                throw ConfigError("exec plugin \"\(name)\" could not be started: \(reason)")
            case .timedOut:
                throw ConfigError("exec plugin \"\(name)\" did not finish within \(seconds(timeout)) and was killed")
            case .signalled(let signal, let stderr):
                throw ConfigError(
                    "exec plugin \"\(name)\" was killed by signal \(signal)\(stderrSuffix(stderr))")
            case .exited(let code, let stdout, let stderr):
                guard code == 0 else {
                    throw ConfigError("exec plugin \"\(name)\" failed with exit code \(code)\(stderrSuffix(stderr))")
                }
                return .success(try parse(stdout, config: config, started: started))
            }
        } catch {
            return .failure(error)
        }
    }

    /// Finds the plugin: a path is used as is, a bare name is looked up on PATH as a shell would.
    private static func resolveExecutable(config: ExecPluginConfig, path: String?) throws(ConfigError) -> String {
        let command = config.command
        let hint = config.installHint.map { ": \(oneLine($0, limit: 500))" } ?? ""
        if command.contains("/") {
            guard FileReading.isExecutableFile(command) else {
                throw ConfigError("exec plugin \"\(command)\" not found or not executable\(hint)")
            }
            return command
        }
        let searchPath = (path?.isEmpty == false ? path : nil) ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in searchPath.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = directory.hasSuffix("/") ? "\(directory)\(command)" : "\(directory)/\(command)"
            if FileReading.isExecutableFile(candidate) { return candidate }
        }
        throw ConfigError(
            "exec plugin \"\(command)\" not found on PATH"
                + (hint.isEmpty ? " (install it, or set users[].user.exec.command to its full path)" : hint))
    }

    /// `KUBERNETES_EXEC_INFO`: the `ExecCredential` client-go writes, field for field: `spec.interactive` is false
    /// (barrelman gives plugins no terminal), and with `provideClusterInfo` `spec.cluster` carries `server` and
    /// `config` always and the other fields only when set, as Go's `omitempty` does. client-go's JSON encoder
    /// ends the text with a newline; so does this.
    static func execInfo(config: ExecPluginConfig) -> String {
        var spec: [String: JSONValue] = ["interactive": false]
        if config.provideClusterInfo, let cluster = config.cluster {
            var object = JSONObjectBuilder()
            object.setAlways("server", .string(cluster.server))
            object.set("tls-server-name", cluster.tlsServerName)
            if cluster.insecureSkipTLSVerify { object.set("insecure-skip-tls-verify", true) }
            object.set("certificate-authority-data", cluster.certificateAuthorityPEM.map { Data($0).base64EncodedString() })
            object.set("proxy-url", cluster.proxyURL)
            if cluster.disableCompression { object.set("disable-compression", true) }
            object.setAlways("config", cluster.config)
            spec["cluster"] = object.value
        }
        let info: JSONValue = [
            "apiVersion": .string(config.apiVersion), "kind": "ExecCredential", "spec": .object(spec),
        ]
        return JSONDocument.encodeString(info) + "\n"
    }

    private static func parse(
        _ stdout: [UInt8], config: ExecPluginConfig, started: Date
    ) throws(ConfigError) -> CachedCredential {
        let name = config.command
        let response: ExecCredentialResponse
        do {
            response = try JSONDocument.decode(ExecCredentialResponse.self, from: stdout)
        } catch {
            // The decoder's message may quote the output, which could be a secret: only paths and kinds pass.
            let detail = error.path.isEmpty ? "output is not a JSON object" : error.description
            throw ConfigError(
                "exec plugin \"\(name)\" did not print a valid ExecCredential (\(detail)); run it by hand to see its output")
        }
        guard response.apiVersion == config.apiVersion else {
            let returned = response.apiVersion.map { "\"\(oneLine($0, limit: 100))\"" } ?? "no apiVersion"
            throw ConfigError(
                "exec plugin \"\(name)\" returned \(returned), but the kubeconfig asks for \"\(config.apiVersion)\"")
        }
        guard response.kind == nil || response.kind == "ExecCredential" else {
            throw ConfigError("exec plugin \"\(name)\" returned kind \"\(oneLine(response.kind ?? "", limit: 100))\", expected ExecCredential")
        }
        guard let status = response.status else {
            throw ConfigError("exec plugin \"\(name)\" returned an ExecCredential without status")
        }
        let token = status.token.flatMap { $0.isEmpty ? nil : $0 }
        let certificate = status.clientCertificateData.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
        let key = status.clientKeyData.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
        guard (certificate == nil) == (key == nil) else {
            throw ConfigError(
                "exec plugin \"\(name)\" returned only one of status.clientCertificateData and status.clientKeyData")
        }
        guard token != nil || certificate != nil else {
            throw ConfigError(
                "exec plugin \"\(name)\" returned neither status.token nor status.clientCertificateData/clientKeyData")
        }
        var refreshAt: Date?
        if let timestamp = status.expirationTimestamp {
            guard let expiry = RFC3339.parse(timestamp) else {
                throw ConfigError(
                    "exec plugin \"\(name)\" returned status.expirationTimestamp \"\(oneLine(timestamp, limit: 64))\", which is not RFC 3339")
            }
            // Refresh a little ahead so requests do not race the expiry: a tenth of the lifetime, at most 10 s.
            let lifetime = max(0, expiry.timeIntervalSince(started))
            refreshAt = expiry.addingTimeInterval(-min(10, lifetime / 10))
        }
        return CachedCredential(
            credential: Credential(bearerToken: token, clientCertificatePEM: certificate, clientKeyPEM: key),
            refreshAt: refreshAt)
    }

    private static func seconds(_ duration: Duration) -> String {
        let (whole, fraction) = duration.components
        if fraction == 0 { return "\(whole) s" }
        let value = Double(whole) + Double(fraction) / 1e18
        return "\((value * 1000).rounded() / 1000) s"
    }

    private static func stderrSuffix(_ stderr: [UInt8]) -> String {
        let text = oneLine(String(decoding: stderr, as: UTF8.self), limit: 300)
        return text.isEmpty ? " (no output on stderr)" : ": \(text)"
    }

    /// Whitespace runs (newlines included) folded to single spaces, trimmed, cut at `limit` characters.
    static func oneLine(_ text: String, limit: Int) -> String {
        let folded = text.split(whereSeparator: { $0.isWhitespace || $0.isNewline }).joined(separator: " ")
        return folded.count > limit ? String(folded.prefix(limit)) + "…" : folded
    }
}
