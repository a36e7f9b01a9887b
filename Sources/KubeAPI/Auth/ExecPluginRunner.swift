import Subprocess
import SystemPackage
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one exec-plugin process to completion: stdin from /dev/null, stdout and stderr captured, killed when it
/// outlives the timeout. swift-subprocess spawns and reaps it without blocking a thread of the concurrency pool.
enum ExecPluginRunner {
    enum Outcome: Sendable, Equatable {
        case exited(code: Int32, stdout: [UInt8], stderr: [UInt8])
        case signalled(signal: Int32, stderr: [UInt8])
        case timedOut
        case launchFailed(reason: String)
    }

    /// A credential is a few KiB; a plugin printing more than this is broken, not slow.
    static let outputLimit = 4 << 20

    static func run(
        executable: String, arguments: [String], environment: [String: String], timeout: Duration
    ) async -> Outcome {
        await withTaskGroup(of: Outcome?.self) { group in
            group.addTask { await runToExit(executable: executable, arguments: arguments, environment: environment) }
            group.addTask {
                // Returning `.timedOut` cancels the run, whose teardown kills the plugin with SIGKILL: the child
                // inherits the spawning thread's signal mask and ignored signals, so a politer signal may never land.
                do { try await Task.sleep(for: timeout) } catch { return nil }
                return .timedOut
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .timedOut
        }
    }

    private static func runToExit(
        executable: String, arguments: [String], environment: [String: String]
    ) async -> Outcome? {
        do {
            let result = try await Subprocess.run(
                .path(FilePath(executable)),
                arguments: Arguments(arguments),
                environment: .custom(
                    Dictionary(uniqueKeysWithValues: environment.compactMap { entry in
                        Environment.Key(rawValue: entry.key).map { ($0, entry.value) }
                    })),
                input: .none,
                output: .bytes(limit: outputLimit),
                error: .bytes(limit: outputLimit))
            switch result.terminationStatus {
            case .exited(let code):
                return .exited(code: code, stdout: result.standardOutput, stderr: result.standardError)
            case .signaled(let signal):
                return .signalled(signal: signal, stderr: result.standardError)
            }
        } catch is CancellationError {
            return nil
        } catch {
            if Task.isCancelled { return nil }
            return .launchFailed(reason: reason(error))
        }
    }

    private static func reason(_ error: any Error) -> String {
        guard let error = error as? SubprocessError else { return "\(error)" }
        if error.code == .outputLimitExceeded { return "it wrote more than \(outputLimit >> 20) MiB" }
        if let errno = error.underlyingError?.rawValue { return String(cString: strerror(errno)) }
        return "\(error)"
    }
}
