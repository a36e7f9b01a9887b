import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one exec-plugin process to completion: stdin from /dev/null, stdout and stderr captured, killed when it
/// outlives the timeout. Blocking waits happen on Dispatch threads, never on the Swift concurrency pool.
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
        // The parent's copies of the write ends must go, or reading would never see end-of-file.
        try? stdoutPipe.fileHandleForWriting.close()
        try? stderrPipe.fileHandleForWriting.close()

        let watchdog = Watchdog(process: process)
        watchdog.arm(after: timeout)

        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let stderrBox = OutputBox()
                let stderrDone = DispatchGroup()
                DispatchQueue.global().async(group: stderrDone) {
                    stderrBox.set(stderrPipe.fileHandleForReading.readDataToEndOfFile())
                }
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
            }
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

    /// Terminates the plugin when the timeout passes: SIGTERM, then SIGKILL if it lingers.
    private final class Watchdog: @unchecked Sendable {
        private let process: Process
        private let lock = NSLock()
        private var armed = true
        private var didFire = false

        init(process: Process) {
            self.process = process
        }

        var fired: Bool { lock.withLock { didFire } }

        func arm(after timeout: Duration) {
            let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
                let shouldKill = lock.withLock { () -> Bool in
                    guard armed else { return false }
                    didFire = true
                    return true
                }
                guard shouldKill, process.isRunning else { return }
                let pid = process.processIdentifier
                kill(pid, SIGTERM)
                DispatchQueue.global().asyncAfter(deadline: .now() + 2) { [self] in
                    if lock.withLock({ armed }), process.isRunning { kill(pid, SIGKILL) }
                }
            }
        }

        func disarm() {
            lock.withLock { armed = false }
        }
    }
}
