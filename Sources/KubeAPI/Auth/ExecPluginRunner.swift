import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one exec-plugin process to completion: stdin from /dev/null, stdout and stderr captured, killed when it
/// outlives the timeout. Blocking reads and waits run on threads of their own: not on the Swift concurrency pool,
/// and not on Dispatch's global queues either, which on Linux are only as wide as the core count.
enum ExecPluginRunner {
    enum Outcome: Sendable {
        case exited(code: Int32, stdout: [UInt8], stderr: [UInt8])
        case signalled(signal: Int32, stderr: [UInt8])
        case timedOut
        case launchFailed(reason: String)
    }

    static func run(
        executable: String, arguments: [String], environment: [String: String], timeout: Duration
    ) async -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        do {
            try process.run()
        } catch {
            return .launchFailed(reason: launchFailureReason(error))
        }
        // Process.run() closes the parent's write ends itself, so the reads below end when the plugin exits.

        let watchdog = Watchdog(process: process)
        let timer = Task {
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled { watchdog.fire() }
        }
        defer { timer.cancel() }

        return await withCheckedContinuation { continuation in
            Thread {
                let stderrBox = OutputBox()
                let stderrDone = DispatchSemaphore(value: 0)
                Thread {
                    stderrBox.set(stderrPipe.fileHandleForReading.readDataToEndOfFile())
                    stderrDone.signal()
                }.start()
                let stdout = [UInt8](stdoutPipe.fileHandleForReading.readDataToEndOfFile())
                stderrDone.wait()
                process.waitUntilExit()
                watchdog.disarm()
                let stderr = stderrBox.bytes
                if watchdog.fired {
                    continuation.resume(returning: .timedOut)
                } else if process.terminationReason == .uncaughtSignal {
                    continuation.resume(returning: .signalled(signal: process.terminationStatus, stderr: stderr))
                } else {
                    continuation.resume(
                        returning: .exited(code: process.terminationStatus, stdout: stdout, stderr: stderr))
                }
            }.start()
        }
    }

    private static func launchFailureReason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(nsError.code)))
        }
        return nsError.localizedDescription
    }

    /// Collects one stream's bytes from the reading thread.
    private final class OutputBox: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()

        func set(_ value: Data) {
            lock.withLock { data = value }
        }

        var bytes: [UInt8] {
            lock.withLock { [UInt8](data) }
        }
    }

    /// Kills the plugin when the timeout passes, unless it has already been reaped.
    private final class Watchdog: @unchecked Sendable {
        private let process: Process
        private let lock = NSLock()
        private var armed = true
        private var didFire = false

        init(process: Process) {
            self.process = process
        }

        var fired: Bool { lock.withLock { didFire } }

        /// SIGKILL straight away: the child inherits the spawning thread's signal mask and ignored signals (Swift's
        /// threads block most signals, apps often ignore SIGTERM), so a politer signal may never arrive.
        func fire() {
            let pid = lock.withLock { () -> pid_t? in
                guard armed, process.isRunning else { return nil }
                didFire = true
                return process.processIdentifier
            }
            if let pid { kill(pid, SIGKILL) }
        }

        func disarm() {
            lock.withLock { armed = false }
        }
    }
}
