import Foundation
import Testing

/// The built `barrelman` executable, run as a subprocess: an executable target cannot be imported by tests.
///
/// It lies next to the test bundle in the products directory (`.build/debug`). `swift build --build-tests`
/// (what `scripts/test` runs) builds every product, `barrelman` included; `BARRELMAN_BINARY` overrides the path.
enum BarrelmanBinary {
    struct NotBuilt: Error, CustomStringConvertible {
        var searched: [String]
        var description: String {
            "barrelman binary not found (looked in \(searched.joined(separator: ", "))); run `swift build --build-tests` first or set BARRELMAN_BINARY"
        }
    }

    /// The path of the binary, or an error saying how to build it.
    static func path() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["BARRELMAN_BINARY"], !explicit.isEmpty { return explicit }
        var candidates: [URL] = []
        for start in [Bundle.main.executableURL, Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments[0])]
            .compactMap({ $0 })
        {
            // The test runner may sit inside `X.xctest/...`: walk up a few levels to the products directory.
            var directory = start.deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(directory.appendingPathComponent("barrelman"))
                directory = directory.deletingLastPathComponent()
            }
        }
        candidates.append(PackageRoot.url.appendingPathComponent(".build/debug/barrelman"))
        let fileManager = FileManager.default
        for candidate in candidates {
            var isDirectory: ObjCBool = false
            if fileManager.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                fileManager.isExecutableFile(atPath: candidate.path)
            {
                return candidate.path
            }
        }
        throw NotBuilt(searched: Array(Set(candidates.map { $0.deletingLastPathComponent().path })).sorted())
    }

    /// Runs `barrelman arguments` to completion (killed after `timeout`) and returns what it did.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(60)
    ) async throws -> ProcessResult {
        let process = try BarrelmanProcess.start(arguments, environment: environment)
        defer { process.cleanUp() }
        let exited = try await process.waitForExit(timeout: timeout)
        if !exited {
            process.kill()
            _ = try await process.waitForExit(timeout: .seconds(10))
        }
        return ProcessResult(
            exitCode: exited ? process.exitCode : nil, stdout: process.stdout, stderr: process.stderr)
    }
}

/// How a finished run of barrelman went.
struct ProcessResult: Sendable, CustomStringConvertible {
    /// nil when it had to be killed after the timeout.
    var exitCode: Int32?
    var stdout: String
    var stderr: String

    /// stderr without empty lines.
    var stderrLines: [String] { stderr.split(whereSeparator: \.isNewline).map(String.init) }

    var description: String {
        "exit \(exitCode.map(String.init) ?? "timeout")\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)"
    }
}

/// One running barrelman. Output goes to files, so a chatty process never blocks on a full pipe.
final class BarrelmanProcess: @unchecked Sendable {
    // `Process` is thread-safe for what is used here (pid, isRunning, terminationStatus, signals).
    private let process: Process
    private let directory: URL
    private let stdoutURL: URL
    private let stderrURL: URL

    private init(process: Process, directory: URL) {
        self.process = process
        self.directory = directory
        stdoutURL = directory.appendingPathComponent("stdout")
        stderrURL = directory.appendingPathComponent("stderr")
    }

    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> BarrelmanProcess {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("barrelman-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try BarrelmanBinary.path())
        process.arguments = arguments
        var fullEnvironment = ProcessInfo.processInfo.environment
        // Keep the developer's cloud credentials out of the subprocess.
        fullEnvironment["GOOGLE_APPLICATION_CREDENTIALS"] = nil
        for name in fullEnvironment.keys where name.hasPrefix("AWS_") { fullEnvironment[name] = nil }
        // Probes never dial a node address from a test (the test dial guard cannot see into the child): every
        // node refuses unless the test maps them to its loopback listeners (`TestClusterPair.nodeDialEnvironment`).
        fullEnvironment["BARRELMAN_TEST_NODE_DIAL"] = "*:*=refuse"
        fullEnvironment.merge(environment) { $1 }
        process.environment = fullEnvironment
        let running = BarrelmanProcess(process: process, directory: directory)
        _ = FileManager.default.createFile(atPath: running.stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: running.stderrURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: running.stdoutURL)
        process.standardError = try FileHandle(forWritingTo: running.stderrURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return running
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var exitCode: Int32 { process.terminationStatus }
    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Polls until the process exits; false if it still runs after `timeout`.
    func waitForExit(timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(50))
        }
        // `isRunning` turns false before the termination handler ran; waitUntilExit settles the status.
        process.waitUntilExit()
        return true
    }

    func signal(_ number: Int32) {
        if process.isRunning { _ = Foundation.kill(process.processIdentifier, number) }
    }

    func kill() { signal(SIGKILL) }

    /// Kills the process if it still runs and removes its output files.
    func cleanUp() {
        if process.isRunning {
            kill()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }
}

/// The package's root directory, from this file's path.
enum PackageRoot {
    static let url: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // AppTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()
}
