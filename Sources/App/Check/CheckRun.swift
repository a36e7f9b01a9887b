import AppSupport
import ArgumentParser
import Controllers
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KubeAPI
import Logging
import Providers

/// The checks of `barrelman check`, in the order the controller meets what they check. A step that cannot
/// run without an earlier one (no remote client without credentials) is skipped, saying why.
struct CheckRun {
    struct Outcome {
        var report: CheckReport
        /// nil: every check passed or warned.
        var exitCode: Int32?
    }

    let commandLine: CheckCommandLine

    func run() async -> Outcome {
        var report = CheckReport()
        let source = FlagSource.resolve(commandLine.runArguments)
        let command: BarrelmanCommand
        switch Self.parse(source.arguments) {
        case .success(let parsed):
            command = parsed
            report.append(.pass("flags", "\(source.origin) parses (\(source.arguments.count) flags)"))
        case .failure(let problem):
            report.append(.fail("flags", "from \(source.origin): \(problem.description)", fix: "correct the flag (see barrelman -h)"))
            return Outcome(report: report, exitCode: 2)
        }

        let logger = Logger(label: "barrelman.check")
        let transport = HTTPTransport(logger: logger)
        defer { transport.shutdown() }
        let clusters = await CheckClusters.connect(command: command, transport: transport, logger: logger)
        report.append(contentsOf: clusters.results)

        let remote = clusters.remote?.client, local = clusters.local?.client, settings = clusters.settings
        report.append(
            contentsOf: await Self.step("remote permissions", needs: remote, else: "no remote cluster to ask") { remote in
                [await AccessCheck.remote(client: remote, provider: clusters.remote?.provider.name ?? "")]
            })
        report.append(
            contentsOf: await Self.step("local permissions", needs: local, else: "no local cluster to ask") { local in
                [
                    await AccessCheck.local(
                        client: local, settings: settings, leaseNamespace: clusters.leaseNamespace,
                        leaderElection: clusters.leaderElection)
                ]
            })
        report.append(
            contentsOf: await Self.step("node reachability", needs: remote, else: "no remote cluster to list nodes from") { remote in
                await nodeReachability(command: command, remote: remote, settings: settings)
            })
        report.append(
            contentsOf: await Self.step("mirrors", needs: local.flatMap { local in remote.map { (local, $0) } }, else: "needs both clusters") {
                await MirrorCheck.run(local: $0.0, remote: $0.1, settings: settings)
            })
        report.append(
            contentsOf: await Self.step("leader", needs: local, else: "no local cluster to ask") { local in
                [
                    await LeaderCheck.run(
                        client: local, settings: settings, namespace: clusters.leaseNamespace, enabled: clusters.leaderElection)
                ]
            })
        return Outcome(report: report, exitCode: report.failed ? 1 : nil)
    }

    /// Runs `check` with what it needs, or skips it (named `name`) saying why.
    private static func step<Needed>(
        _ name: String, needs needed: Needed?, else reason: String, _ check: (Needed) async -> [CheckResult]
    ) async -> [CheckResult] {
        guard let needed else { return [.skip(name, reason)] }
        return await check(needed)
    }

    /// The remote nodes probed as the controller's prober would, through the same dialer.
    private func nodeReachability(
        command: BarrelmanCommand, remote: KubeClient, settings: ControllerSettings
    ) async -> [CheckResult] {
        // `validate()` already resolved the flags; the parse cannot fail differently now.
        let reach = (try? command.reach.resolved()) ?? ReachSettings()
        let dialer: any NodeDialer
        do {
            dialer = try nodeDialerFromEnvironment()
        } catch {
            return [.fail("node reachability", "\(error)", fix: "correct or unset the variable")]
        }
        return await NodeReachabilityCheck.run(remote: remote, reach: reach, dialer: dialer, settings: settings)
    }

    /// The flags as the run command reads them: Go's undefined-flag rule, then its parser and validation.
    static func parse(_ arguments: [String]) -> Result<BarrelmanCommand, CheckCommandLine.Invalid> {
        let flags = GoFlags(valueFlags: FlagNames.values, boolFlags: FlagNames.booleans)
        if let undefined = flags.undefinedFlag(in: arguments, subcommands: [], builtins: []) {
            return .failure(.init(description: "flag provided but not defined: \(undefined)"))
        }
        if let word = arguments.first(where: { !$0.hasPrefix("-") }) {
            return .failure(.init(description: "unexpected argument \(word): the controller takes only flags"))
        }
        do {
            guard let command = try BarrelmanCommand.parseAsRoot(arguments) as? BarrelmanCommand else {
                return .failure(.init(description: "not the controller's flags"))
            }
            return .success(command)
        } catch {
            let message = BarrelmanCommand.message(for: error).split(whereSeparator: \.isNewline).first.map(String.init)
            return .failure(.init(description: message ?? "\(error)"))
        }
    }
}
