import ArgumentParser
import Logging

/// `barrelman check`: runs what the controller would run with the same flags, up to the first write, and says
/// per step whether it works and what to do when it does not. Read-only: it creates no object but
/// SelfSubjectAccessReviews (which are never stored), and dials remote nodes only with `-node-health-check`
/// other than `off`.
///
/// The command line is read by `CheckCommandLine` (main.swift hands `check` invocations over before the argument
/// parser runs); this type gives it `barrelman help check` and a place among the subcommands.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Checks that barrelman would work with these flags, and says why traffic does not flow.",
        usage: "barrelman check [-o text|json] [the controller's flags]",
        discussion: """
            Takes the controller's own flags, so it tests what the deployment would do: the flags and kubeconfigs \
            parse; the remote provider yields credentials and the remote answers; the remote grants list and watch \
            on nodes, services and EndpointSlices; the local cluster answers and grants every verb barrelman uses, \
            in its -namespace scope; the remote nodes' health port and node ports answer from here (which \
            -node-health-check mode works); mirrors without ready endpoints, orphans and ownership conflicts; who \
            leads now. One line per check (PASS, WARN, FAIL, SKIP), each warning and failure with what to do. \
            Exits 1 when a check fails, 2 when the flags do not parse.

            Inside the pod it reads the running barrelman's flags when given none:
              kubectl -n barrelman exec deploy/barrelman -- barrelman check

              -o text|json   output format (default text)
            """)

    /// Set by main.swift from `CheckCommandLine`; the argument parser never fills it.
    var commandLine = CheckCommandLine()

    // No property is an argument: the command line is `CheckCommandLine`'s.
    enum CodingKeys: CodingKey {}

    func run() async throws {
        if commandLine.help {
            print(Self.helpMessage())
            return
        }
        // Logs would only repeat what the checks say; warnings and errors still go to stderr.
        LogSetup.bootstrap(format: "text", verbosity: 0, quiet: true)
        let outcome = await CheckRun(commandLine: commandLine).run()
        switch commandLine.output {
        case .text: print(outcome.report.text, terminator: "")
        case .json: print(outcome.report.json, terminator: "")
        }
        if let code = outcome.exitCode { throw CheckFailed(exitCode: code) }
    }
}

/// `barrelman check` found a failure: exit with this code, the report already said why.
struct CheckFailed: Error {
    var exitCode: Int32
}
