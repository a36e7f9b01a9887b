import Glibc

// scenario-runner: barrelman between two in-process test API servers at a given scale, or (`--informer`) the
// informer cache benchmark; prints Markdown table rows.
do {
    let arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.first == BarrelmanChild.flag {
        BarrelmanChild.exec(Array(arguments.dropFirst()))
    } else if arguments == ["--informer"] {
        var benchmark = InformerBenchmark()
        try await benchmark.run()
    } else {
        var scenario = Scenario(arguments: try ScenarioArguments.parse(arguments))
        try await scenario.run()
    }
} catch let error as UsageError {
    printError("scenario-runner: \(error)")
    exit(2)
} catch {
    printError("scenario-runner: the run failed: \(error)")
    exit(1)
}
