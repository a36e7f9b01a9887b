import Glibc

// scenario-runner: barrelman between two in-process test API servers at a given scale, or (`--informer`) the
// informer cache benchmark, or (`--soak SECONDS`) a churn soak with faults, or (`--floor`) a plain client writing
// what barrelman writes, or (`--remotes N`) N remotes in one barrelman against one barrelman per remote; prints
// Markdown table rows.
do {
    let arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.first == BarrelmanChild.flag {
        BarrelmanChild.exec(Array(arguments.dropFirst()))
    } else if arguments.contains("--soak") {
        try await Soak(arguments: try SoakArguments.parse(arguments)).run()
    } else if arguments == ["--informer"] {
        var benchmark = InformerBenchmark()
        try await benchmark.run()
    } else {
        let parsed = try ScenarioArguments.parse(arguments)
        if parsed.memory {
            var breakdown = MemoryBreakdown(arguments: parsed)
            try await breakdown.run()
        } else if parsed.remotes > 1 {
            var fleet = FleetScenario(arguments: parsed)
            try await fleet.run()
        } else if parsed.floor {
            var floor = PlainClientFloor(arguments: parsed)
            try await floor.run()
        } else {
            var scenario = Scenario(arguments: parsed)
            try await scenario.run()
        }
    }
} catch let error as UsageError {
    printError("scenario-runner: \(error)")
    exit(2)
} catch {
    printError("scenario-runner: the run failed: \(error)")
    exit(1)
}
