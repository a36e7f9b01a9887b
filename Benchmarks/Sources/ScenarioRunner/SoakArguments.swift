/// `--soak SECONDS` and its knobs: scale, churn rate, fault period, sampling, seed.
struct SoakArguments {
    var seconds = 120
    var nodes = 30
    var services = 100
    /// Remote changes per second.
    var rate: Double = 5
    /// A fault every this many seconds.
    var faultEvery = 8
    /// RSS and fd samples every this many seconds.
    var sampleEvery = 2
    /// How long barrelman gets to converge once the churn stops (covers a 60 s resync).
    var settleSeconds = 120
    var seed: UInt64 = 1
    /// An explicit client limit; nil runs barrelman with its defaults.
    var qps: Double?
    var burst = 100
    /// Whether the test servers' writes cost what kube-apiserver's do.
    var writeCost = true

    static let usage =
        "--soak SECONDS [--nodes N] [--services M] [--rate CHANGES_PER_S] [--fault-every S] [--sample-every S] "
        + "[--settle S] [--seed N] [--qps Q] [--burst B] [--write-cost on|off]"

    static func parse(_ arguments: [String]) throws(UsageError) -> SoakArguments {
        var parsed = SoakArguments()
        var remaining = arguments[...]
        func number(_ flag: String, minimum: Int = 1) throws(UsageError) -> Int {
            guard let text = remaining.popFirst() else { throw UsageError("\(flag) needs a value") }
            guard let number = Int(text), number >= minimum else {
                throw UsageError("\(flag) needs a whole number >= \(minimum), not '\(text)'")
            }
            return number
        }
        func decimal(_ flag: String) throws(UsageError) -> Double {
            guard let text = remaining.popFirst() else { throw UsageError("\(flag) needs a value") }
            guard let value = Double(text), value >= 0 else { throw UsageError("\(flag) needs a number >= 0, not '\(text)'") }
            return value
        }
        while let flag = remaining.popFirst() {
            switch flag {
            case "--soak": parsed.seconds = try number(flag)
            case "--nodes": parsed.nodes = try number(flag)
            case "--services": parsed.services = try number(flag)
            case "--rate":
                parsed.rate = try decimal(flag)
                guard parsed.rate > 0 else { throw UsageError("--rate needs a number > 0") }
            case "--fault-every": parsed.faultEvery = try number(flag)
            case "--sample-every": parsed.sampleEvery = try number(flag)
            case "--settle": parsed.settleSeconds = try number(flag)
            case "--seed": parsed.seed = UInt64(try number(flag, minimum: 0))
            case "--qps": parsed.qps = try decimal(flag)
            case "--burst": parsed.burst = try number(flag)
            case "--write-cost": parsed.writeCost = try WriteCostArgument.parse(remaining.popFirst())
            default: throw UsageError("unknown soak argument '\(flag)'; use \(usage)")
            }
        }
        return parsed
    }
}
