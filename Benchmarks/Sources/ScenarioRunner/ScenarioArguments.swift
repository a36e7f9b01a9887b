import KubeAPI

/// `--scenario S|M|L|smoke`, `--changes K`, `--idle SECONDS`, `--qps Q` (the local client's rate limit),
/// `--write-cost on|off`, `--floor`, `--remotes N --processes one|per-remote|both`.
struct ScenarioArguments {
    var name = "S"
    var nodes = 100
    var services = 300
    var changes = 50
    var idleSeconds = 65
    /// An explicit client rate limit (0 turns it off); nil is barrelman's default: 50 until the server shows
    /// API Priority and Fairness (the test servers do, like kube-apiserver), then none.
    var qps: Double?
    var burst = 100
    /// Extra flags for the barrelman child.
    var barrelmanArguments: [String] = []

    /// barrelman's NodeEndpointController workers: `-nec-workers N` among the extra flags, else its default.
    var endpointWorkers: Int {
        var workers = 4
        var arguments = barrelmanArguments[...]
        while let flag = arguments.popFirst() {
            let name = flag.drop { $0 == "-" }
            if name == "nec-workers", let value = arguments.first.flatMap({ Int($0) }) {
                workers = value
            } else if name.hasPrefix("nec-workers="), let value = Int(name.dropFirst("nec-workers=".count)) {
                workers = value
            }
        }
        return workers
    }
    /// `--nodes-per-service N`: passed to barrelman; the expectations follow (0: every node).
    var nodesPerService = 0
    /// barrelman in a child process (its own RSS and CPU) unless `--in-process`.
    var childProcess = true
    /// Whether the test servers' writes cost what kube-apiserver's do (on by default).
    var writeCost = true
    /// `--floor`: measure a plain client writing barrelman's objects instead of running barrelman.
    var floor = false
    /// `--stages`: the child records where each write's time goes (`StageReport`).
    var stages = false
    /// `--no-independent-floor`: skip the Python plain-client floor the scenario otherwise measures after barrelman.
    var independentFloor = true
    /// `--memory`: the heap each of barrelman's caches holds at the scenario's size (`MemoryBreakdown`).
    var memory = false
    /// `--probe-window SECONDS`: the prober's cost, measured right after the first sync (`ProbeWindow`).
    var probeWindow = 0
    /// `--remotes N`: N remote servers, each seeded with the scenario in a namespace of its own (`FleetScenario`);
    /// 1 is the single-remote scenario.
    var remotes = 1
    /// `--processes one|per-remote|both`: with several remotes, one barrelman with a `-remote-config` file for
    /// all of them, one barrelman per remote, or the one then the other on fresh servers.
    var fleetModes: [FleetMode] = [.oneProcess]

    /// The client options barrelman would use with these arguments.
    static func clientOptions(qps: Double?, burst: Int) -> KubeClientOptions {
        KubeClientOptions(qps: qps ?? 50, burst: burst, yieldsToPriorityAndFairness: qps == nil)
    }

    static func parse(_ arguments: [String]) throws(UsageError) -> ScenarioArguments {
        var parsed = ScenarioArguments()
        var explicitChanges: Int?
        var explicitIdle: Int?
        var remaining = arguments[...]
        func value(_ flag: String) throws(UsageError) -> String {
            guard let value = remaining.popFirst() else { throw UsageError("\(flag) needs a value") }
            return value
        }
        func number(_ flag: String) throws(UsageError) -> Int {
            let text = try value(flag)
            guard let number = Int(text), number >= 0 else { throw UsageError("\(flag) needs a whole number, not '\(text)'") }
            return number
        }
        while let flag = remaining.popFirst() {
            switch flag {
            case "--scenario":
                let name = try value(flag)
                switch name.lowercased() {
                case "s": (parsed.nodes, parsed.services) = (100, 300)
                case "m": (parsed.nodes, parsed.services) = (1000, 3000)
                case "l": (parsed.nodes, parsed.services) = (5000, 10000)
                case "smoke": (parsed.nodes, parsed.services, parsed.changes, parsed.idleSeconds) = (10, 20, 5, 2)
                default: throw UsageError("--scenario must be S, M, L or smoke, not '\(name)'")
                }
                parsed.name = name
            case "--changes": explicitChanges = try number(flag)
            case "--idle": explicitIdle = try number(flag)
            case "--qps":
                let text = try value(flag)
                guard let qps = Double(text), qps >= 0 else { throw UsageError("--qps needs a number >= 0, not '\(text)'") }
                parsed.qps = qps
            case "--burst": parsed.burst = max(1, try number(flag))
            case "--barrelman-args":
                // Extra flags for the barrelman binary, e.g. "-nec-workers 8".
                parsed.barrelmanArguments += try value(flag).split(separator: " ").map(String.init)
            case "--in-process": parsed.childProcess = false
            case "--nodes-per-service":
                guard let count = Int(try value(flag)), count >= 0 else {
                    throw UsageError("--nodes-per-service needs a whole number (0: every node)")
                }
                parsed.nodesPerService = count
                parsed.barrelmanArguments += ["-nodes-per-service", String(count)]
            case "--write-cost": parsed.writeCost = try WriteCostArgument.parse(remaining.popFirst())
            case "--floor": parsed.floor = true
            case "--memory": parsed.memory = true
            case "--stages": parsed.stages = true
            case "--floor-writers": IndependentFloor.writersOverride = max(1, try number(flag))
            case "--no-independent-floor": parsed.independentFloor = false
            case "--probe-window": parsed.probeWindow = try number(flag)
            case "--remotes":
                let count = try number(flag)
                // Remote r's nodes are 10.r.x.y (`FleetScenario.nodeIP`): distinct per remote up to 32.
                guard (1...32).contains(count) else { throw UsageError("--remotes needs a number from 1 to 32") }
                parsed.remotes = count
            case "--processes": parsed.fleetModes = try FleetMode.parse(remaining.popFirst())
            default: throw UsageError("unknown argument '\(flag)'; use --scenario S|M|L|smoke, --changes K, --idle SECONDS, --qps Q, --burst B, --barrelman-args FLAGS, --nodes-per-service N, --in-process, --write-cost on|off, --floor, --floor-writers N, --stages, --no-independent-floor, --memory, --probe-window SECONDS, --remotes N, --processes one|per-remote|both")
            }
        }
        if parsed.remotes > 1 {
            // The many-remote run measures the sync, the idle window and the memory of barrelman child processes.
            let unsupported = [
                ("--in-process", !parsed.childProcess), ("--floor", parsed.floor), ("--memory", parsed.memory),
                ("--stages", parsed.stages), ("--probe-window", parsed.probeWindow > 0),
            ]
            if let (flag, _) = unsupported.first(where: \.1) { throw UsageError("\(flag) is for a single remote; drop it or --remotes") }
        }
        if let explicitChanges { parsed.changes = explicitChanges }
        if let explicitIdle { parsed.idleSeconds = explicitIdle }
        return parsed
    }
}

/// `--write-cost on|off`.
enum WriteCostArgument {
    static func parse(_ value: String?) throws(UsageError) -> Bool {
        switch value {
        case "on": return true
        case "off": return false
        case nil: throw UsageError("--write-cost needs a value: on or off")
        case let other?: throw UsageError("--write-cost must be on or off, not '\(other)'")
        }
    }
}

struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A run that could not measure what it should.
struct RunError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// How `--remotes N` runs barrelman: `--processes one|per-remote|both`.
enum FleetMode: Equatable {
    /// One barrelman whose `-remote-config` file lists every remote.
    case oneProcess
    /// One barrelman per remote, each with its own kubeconfig, namespace and `-remote-cluster-id`.
    case processPerRemote

    static func parse(_ value: String?) throws(UsageError) -> [FleetMode] {
        switch value {
        case "one": return [.oneProcess]
        case "per-remote": return [.processPerRemote]
        case "both": return [.oneProcess, .processPerRemote]
        case nil: throw UsageError("--processes needs a value: one, per-remote or both")
        case let other?: throw UsageError("--processes must be one, per-remote or both, not '\(other)'")
        }
    }
}
