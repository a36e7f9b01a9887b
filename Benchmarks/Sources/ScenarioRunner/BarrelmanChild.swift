import CLinuxSupport
import Controllers
import Foundation
import KubeAPI
import Logging

/// barrelman in a child process, so its peak RSS and CPU are its own and not the test servers'.
/// The parent passes each cluster's URL, CA file and token in the environment.
enum BarrelmanChild {
    static let flag = "--barrelman-child"

    /// Parent side: starts `scenario-runner --barrelman-child` against the two servers.
    static func spawn(remote: ClusterEndpoint, local: ClusterEndpoint, namespace: String, qps: Double, burst: Int) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = [flag]
        var environment = ProcessInfo.processInfo.environment
        environment.merge(remote.environment(prefix: "BENCH_REMOTE")) { $1 }
        environment.merge(local.environment(prefix: "BENCH_LOCAL")) { $1 }
        environment["BENCH_NAMESPACE"] = namespace
        environment["BENCH_QPS"] = String(qps)
        environment["BENCH_BURST"] = String(burst)
        process.environment = environment
        try process.run()
        return process
    }

    /// Child side: runs barrelman until killed.
    static func run() async throws {
        // A parent killed by a timeout must not leave barrelman running.
        bm_die_with_parent()
        let environment = ProcessInfo.processInfo.environment
        guard let namespace = environment["BENCH_NAMESPACE"], let remote = try ClusterEndpoint(environment, prefix: "BENCH_REMOTE"),
            let local = try ClusterEndpoint(environment, prefix: "BENCH_LOCAL")
        else { throw RunError("\(flag) is started by scenario-runner itself, with BENCH_* variables") }
        let options = KubeClientOptions(
            qps: Double(environment["BENCH_QPS"] ?? "") ?? 50, burst: Int(environment["BENCH_BURST"] ?? "") ?? 100)
        let transport = HTTPTransport()
        var quiet = Logger(label: "barrelman")
        quiet.logLevel = .error
        let settings = ControllerSettings(allowedNamespaces: [namespace], endpointsMode: .endpointSlices, remoteClusterName: "remote")
        let barrelman = Barrelman(
            local: KubeClient(config: local.config, options: options, transport: transport),
            remote: KubeClient(config: remote.config, options: options, transport: transport),
            options: BarrelmanOptions(settings: settings, resyncPeriod: .seconds(60)), logger: quiet)
        await barrelman.run()
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

    init?(_ environment: [String: String], prefix: String) throws {
        guard let url = environment["\(prefix)_URL"], let ca = environment["\(prefix)_CA"], let token = environment["\(prefix)_TOKEN"]
        else { return nil }
        self.init(url: url, caPEM: Array(ca.utf8), token: token)
    }

    /// The token travels in the child's environment only: never on its command line.
    func environment(prefix: String) -> [String: String] {
        ["\(prefix)_URL": url, "\(prefix)_CA": String(decoding: caPEM, as: UTF8.self), "\(prefix)_TOKEN": token]
    }
}

/// Peak RSS and CPU of another process, from /proc.
enum ChildProcessStats {
    static func peakRSS(pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
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
