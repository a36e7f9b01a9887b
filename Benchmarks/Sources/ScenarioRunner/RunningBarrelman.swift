import Foundation

/// barrelman as the scenario runs it: a task in this process or a child process.
enum RunningBarrelman {
    case inProcess(Task<Void, Never>)
    case child(Process)

    /// What the CPU figures cover.
    var scope: String {
        switch self {
        case .inProcess: "whole process, servers included"
        case .child: "barrelman process only"
        }
    }

    var cpuSeconds: Double {
        switch self {
        case .inProcess: ProcessStats.cpuSeconds
        case .child(let process): ChildProcessStats.cpuSeconds(pid: process.processIdentifier)
        }
    }

    var peakRSS: Int {
        switch self {
        case .inProcess: ProcessStats.peakRSS
        case .child(let process): ChildProcessStats.peakRSS(pid: process.processIdentifier)
        }
    }

    /// Why a child process is gone, or nil while it runs (always nil in-process).
    var exitReport: String? {
        switch self {
        case .inProcess: nil
        case .child(let process): BarrelmanChild.exitReport(process)
        }
    }

    func stop() {
        switch self {
        case .inProcess(let task): task.cancel()
        case .child(let process): if process.isRunning { process.terminate() }
        }
    }

    func wait() async {
        switch self {
        case .inProcess(let task): await task.value
        case .child(let process): process.waitUntilExit()
        }
    }
}
