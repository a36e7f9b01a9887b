import AppSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Dispatch
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Go's flag package exits 2 on a bad command line; runtime failures exit 1. Nothing starts before the
// command line is known to be good.
let arguments = GoFlags(valueFlags: FlagNames.values, boolFlags: FlagNames.booleans)
    .normalize(Array(CommandLine.arguments.dropFirst()))

/// The parsed command, handed from the main thread to the one task that runs it.
struct ParsedCommand: @unchecked Sendable {
    var command: any ParsableCommand
}

// `barrelman check` takes the controller's flags and reads them with the controller's own parser (CheckRun).
let checkCommandLine = CheckCommandLine.parse(arguments)

if checkCommandLine == nil, let undefined = GoFlags(valueFlags: FlagNames.values, boolFlags: FlagNames.booleans)
    .undefinedFlag(in: arguments, subcommands: ["demo", "help"], builtins: ["h", "help", "version"])
{
    StandardStreams.error(line: "barrelman: flag provided but not defined: \(undefined) (see barrelman -h)")
    exit(2)
}

let parsed: ParsedCommand
do {
    parsed = ParsedCommand(
        command: try checkCommandLine.map { CheckCommand(commandLine: try $0.get()) } ?? BarrelmanCommand.parseAsRoot(arguments))
} catch {
    if BarrelmanCommand.exitCode(for: error) == .success {
        print(BarrelmanCommand.fullMessage(for: error))
        exit(0)
    }
    let message = BarrelmanCommand.message(for: error).split(whereSeparator: \.isNewline).first.map(String.init) ?? "\(error)"
    StandardStreams.error(line: "barrelman: \(message) (see barrelman -h)")
    exit(2)
}

let runner = Task {
    var command = parsed.command
    do {
        if var asyncCommand = command as? any AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            try command.run()
        }
        exit(0)
    } catch is CancellationError {
        exit(0)
    } catch let failed as CheckFailed {
        exit(failed.exitCode)
    } catch where BarrelmanCommand.exitCode(for: error) == .success {
        // `-h` and `help` arrive here as a request to print the help.
        print(BarrelmanCommand.fullMessage(for: error))
        exit(0)
    } catch {
        StandardStreams.error(line: "barrelman: \(error)")
        exit(1)
    }
}

// First SIGINT/SIGTERM: stop taking work, finish in-flight writes, release the lease, exit 0.
// Second: exit at once.
let signalSources = ShutdownSignals.install { runner.cancel() }

dispatchMain()
