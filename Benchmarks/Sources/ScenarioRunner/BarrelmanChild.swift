import CLinuxSupport
import Controllers
import Foundation
import KubeAPI
import Logging

/// The real `barrelman` binary in a child process, so its peak RSS and CPU are its own and not the test
/// servers'. The runner starts itself with `--barrelman-child`, which ties the child's life to the runner
/// (PDEATHSIG survives exec) and then execs `barrelman` in place: the pid measured is barrelman's.
enum BarrelmanChild {
    static let flag = "--barrelman-child"

    /// `barrelman` next to this runner: `swift build -c release --package-path Benchmarks --product barrelman`.
    static var binaryPath: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("barrelman").path
    }

    /// `binaryPath`, or why it cannot run.
    static func requireBinary() throws -> String {
        let binary = binaryPath
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw RunError("\(binary) is missing: build it with `swift build -c release --package-path Benchmarks --product barrelman`")
        }
        return binary
    }

    /// This run's kubeconfigs and barrelman's log.
    static var workDirectory: URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("barrelman-bench-\(getpid())")
    }

    static var logPath: String { workDirectory.appendingPathComponent("barrelman.log").path }

    /// Parent side: writes a kubeconfig per cluster (tokens stay off the command line) and starts barrelman
    /// with the flags an operator would use, bounded to the scenario's namespace. Its node probes go where
    /// `nodes` answers, never to the fake node addresses.
    static func spawn(remote: ClusterEndpoint, local: ClusterEndpoint, namespace: String, qps: Double?, burst: Int,
        nodes: AnsweringNodes, extraArguments: [String] = [], traceStages: Bool = false
    ) throws -> Process {
        let binary = try requireBinary()
        let directory = workDirectory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let localKubeconfig = try local.writeKubeconfig(in: directory, name: "local")
        let remoteKubeconfig = try remote.writeKubeconfig(in: directory, name: "remote")
        var arguments = [
            flag, binary, "-local-kubeconfig", localKubeconfig, "-remote-kubeconfig", remoteKubeconfig, "-namespace", namespace,
            "-remote-cluster-id", "remote", "-resync-period", "1m", "-leader-elect=false", "-listen-address", "127.0.0.1:0", "-kube-api-burst", String(burst),
        ]
        if let qps { arguments += ["-kube-api-qps", String(qps)] }
        arguments += extraArguments
        var environment: [String: String] = [:]
        if traceStages {
            try? FileManager.default.removeItem(atPath: StageReport.path)
            environment["BARRELMAN_STAGE_TRACE"] = StageReport.path
        }
        return try start(arguments, logPath: logPath, nodes: nodes, environment: environment)
    }

    /// Starts `arguments` (this flag, the binary, barrelman's flags) logging to `logPath`, with its node probes
    /// sent where `nodes` answers: every child the runner starts gets that mapping.
    static func start(_ arguments: [String], logPath log: String, nodes: AnsweringNodes, environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment
            .merging(environment) { $1 }
            .merging(["BARRELMAN_TEST_NODE_DIAL": nodes.dialRules]) { $1 }
        // barrelman logs at info level to a file; the figures are the runner's output.
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: log)
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        return process
    }

    /// Why the child is gone (its exit status and last log lines), or nil while it runs: waits poll this so a
    /// flag barrelman rejects ends the run at once instead of waiting for a sync that never comes.
    static func exitReport(_ process: Process, logPath log: String = logPath) -> String? {
        guard !process.isRunning else { return nil }
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return "barrelman exited with \(process.terminationStatus): \(output.suffix(500))"
    }

    /// Child side: dies with the runner, then becomes barrelman.
    static func exec(_ arguments: [String]) -> Never {
        bm_die_with_parent()
        guard let binary = arguments.first else {
            FileHandle.standardError.write(Data("\(flag) needs the barrelman binary's path\n".utf8))
            exit(2)
        }
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        execv(binary, argv)
        FileHandle.standardError.write(Data("cannot exec \(binary): \(String(cString: strerror(errno)))\n".utf8))
        exit(1)
    }
}

/// What a client needs to reach one test server.
struct ClusterEndpoint {
    let url: String
    let caPEM: [UInt8]
    let token: String

    var config: ClusterConfig {
        ClusterConfig(
            server: url, tls: TLSSettings(caPEM: caPEM), credentials: StaticCredentials.token(token), proxyURL: nil,
            defaultNamespace: "default", displayName: "bench")
    }

    init(url: String, caPEM: [UInt8], token: String) {
        self.url = url
        self.caPEM = caPEM
        self.token = token
    }

    /// A kubeconfig for this cluster, readable by the owner only (it holds the token).
    func writeKubeconfig(in directory: URL, name: String) throws -> String {
        let path = directory.appendingPathComponent("\(name).kubeconfig").path
        let kubeconfig = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: \(name)
              cluster:
                server: \(url)
                certificate-authority-data: \(Data(caPEM).base64EncodedString())
            users:
            - name: \(name)
              user:
                token: \(token)
            contexts:
            - name: \(name)
              context: {cluster: \(name), user: \(name)}
            current-context: \(name)

            """
        guard FileManager.default.createFile(atPath: path, contents: Data(kubeconfig.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw RunError("cannot write \(path)")
        }
        return path
    }
}

/// Peak RSS and CPU of another process, from /proc.
enum ChildProcessStats {
    static func peakRSS(pid: Int32) -> Int { statusField("VmHWM:", pid: pid) }

    /// Current private memory (heap, stacks): what a container's `rss` memory statistic counts.
    static func anonymousRSS(pid: Int32) -> Int { statusField("RssAnon:", pid: pid) }

    /// Current file-backed resident pages: the binary's and shared libraries' code, shared with the page cache.
    static func fileRSS(pid: Int32) -> Int { statusField("RssFile:", pid: pid) }

    private static func statusField(_ field: String, pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(field) {
            return (Int(line.filter(\.isNumber)) ?? 0) * 1024
        }
        return 0
    }

    static func cpuSeconds(pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let afterName = stat.lastIndex(of: ")")
        else { return 0 }
        // Fields after "(comm)": state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: afterName)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
