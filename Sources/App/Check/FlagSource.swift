import AppSupport
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where `barrelman check` takes the controller's flags from: its own command line, or, run with none inside
/// the pod (`kubectl exec deploy/barrelman -- barrelman check`), the running barrelman's (PID 1), so that it
/// checks what the deployment does.
struct FlagSource: Sendable, Equatable {
    var arguments: [String]
    /// For the report: `the command line` or `the running barrelman (PID 1)`.
    var origin: String

    static func resolve(
        _ commandLine: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
        readProcessArguments: (Int32) -> [String]? = Self.processArguments
    ) -> FlagSource {
        guard commandLine.isEmpty, environment["KUBERNETES_SERVICE_HOST"] != nil, getpid() != 1,
            let running = readProcessArguments(1), let program = running.first,
            program.split(separator: "/").last == "barrelman"
        else {
            return FlagSource(arguments: commandLine, origin: "the command line")
        }
        let arguments = GoFlags(valueFlags: FlagNames.values, boolFlags: FlagNames.booleans)
            .normalize(Array(running.dropFirst()))
        return FlagSource(arguments: arguments, origin: "the running barrelman (PID 1)")
    }

    /// A process's argv from /proc (NUL-separated); nil where it cannot be read.
    static func processArguments(_ pid: Int32) -> [String]? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { return nil }
        return data.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
    }
}
