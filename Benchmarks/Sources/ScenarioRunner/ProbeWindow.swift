import Foundation
import KubeAPI

/// `--probe-window SECONDS`: right after the first sync, every remote node ready and answering, barrelman has
/// nothing to do but probe; its CPU over the window is the prober's cost (compare a run with
/// `--barrelman-args "-node-health-check off"`), and its `barrelman_node_probes_total` shows one probe per node
/// per period. Off (0) by default, so the other steps' timing is as before.
enum ProbeWindow {
    static func measure(
        _ barrelman: RunningBarrelman, seconds: Int, transport: HTTPTransport, results: inout ResultTable
    ) async throws {
        let probesBefore = await probeCount(transport: transport)
        let cpuBefore = barrelman.cpuSeconds
        let systemBefore = systemSeconds(barrelman)
        let start = ContinuousClock.now
        try await Task.sleep(for: .seconds(seconds))
        let wall = (ContinuousClock.now - start).seconds
        let cpu = barrelman.cpuSeconds - cpuBefore
        let system = systemSeconds(barrelman).map { $0 - (systemBefore ?? 0) }
        let probesAfter = await probeCount(transport: transport)
        results.addShareOfCore(
            "CPU over \(seconds) s after the first sync, nothing but probing (\(barrelman.scope))", cpu, over: wall,
            target: "prober < 5 % of one core")
        if let system {
            results.addShareOfCore("  of which in the kernel (stime: connects, loopback TCP)", system, over: wall, target: nil)
        }
        if let probesBefore, let probesAfter {
            results.addRate("  node probes in that window (barrelman_node_probes_total)", (probesAfter - probesBefore) / wall)
        }
        if case .child(let process) = barrelman {
            let pid = process.processIdentifier
            results.addBytes("  private memory at its end (RssAnon)", ChildProcessStats.anonymousRSS(pid: pid), target: nil)
            results.addBytes("  VmHWM at its end", ChildProcessStats.peakRSS(pid: pid), target: nil)
        }
    }

    /// The child's system CPU seconds (`stime`, field 15 of /proc/<pid>/stat); nil in-process.
    private static func systemSeconds(_ barrelman: RunningBarrelman) -> Double? {
        guard case .child(let process) = barrelman,
            let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
            let afterName = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: afterName)...].split(separator: " ")
        guard fields.count > 12, let ticks = Double(fields[12]) else { return nil }
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The child's `barrelman_node_probes_total`, all results summed, from its status server (the port is in
    /// its startup log line); nil in-process or when it cannot be read.
    private static func probeCount(transport: HTTPTransport) async -> Double? {
        guard let log = try? String(contentsOfFile: BarrelmanChild.logPath, encoding: .utf8),
            let range = log.range(of: "status on :"),
            let port = Int(log[range.upperBound...].prefix { $0.isNumber })
        else { return nil }
        let request = HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/metrics", timeout: .seconds(10), connectionUse: .probe)
        guard let response = try? await transport.send(request), response.status == 200 else { return nil }
        return String(decoding: response.body, as: UTF8.self).split(whereSeparator: \.isNewline)
            .filter { $0.hasPrefix("barrelman_node_probes_total") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            .reduce(0, +)
    }
}
