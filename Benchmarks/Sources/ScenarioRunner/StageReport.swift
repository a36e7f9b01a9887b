import Foundation
import Glibc

/// Where barrelman's time went per write in one step of the scenario (issue #21), from the stage trace the
/// child writes (`BARRELMAN_STAGE_TRACE`, see `StageTrace` in KubeAPI): the lines whose time falls inside the
/// step's window, averaged per write.
enum StageReport {
    /// The trace file of this run's child.
    static var path: String { BarrelmanChild.workDirectory.appendingPathComponent("stages.tsv").path }

    /// CLOCK_MONOTONIC in nanoseconds, the trace's clock.
    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// Adds the stage rows of the window `from..<to` to `results`, `step` naming it; `cpuSeconds` is the
    /// child's CPU over the window.
    static func add(step: String, from: UInt64, to: UInt64, cpuSeconds: Double, to results: inout ResultTable) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        var sums: [String: Double] = [:]
        var counts: [String: Int] = [:]
        func add(_ key: String, _ nanoseconds: Double) {
            sums[key, default: 0] += nanoseconds
            counts[key, default: 0] += 1
        }
        var writes = 0
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t").map(String.init)
            guard fields.count >= 4, let at = UInt64(fields[fields[0] == "call" ? 4 : 2]), at >= from, at < to else { continue }
            switch fields[0] {
            case "call" where fields.count >= 14:
                guard ["create", "update", "patch", "delete"].contains(fields[1]) else { continue }
                writes += 1
                let numbers = fields[4...].map { Double($0) ?? 0 }
                // start end build submitWait curl hop connects pretransfer starttransfer total
                add("call", numbers[1] - numbers[0])
                add("build", numbers[2])
                add("submitWait", numbers[3])
                add("curl", numbers[4])
                add("hop", numbers[5])
                add("connects", numbers[6])
                add("pretransfer", numbers[7] * 1000)
                add("server", (numbers[8] - numbers[7]) * 1000)
                add("afterFirstByte", (numbers[9] - numbers[8]) * 1000)
            case "encode": add("encode", Double(fields[3]) ?? 0)
            case "decode": add("decode", Double(fields[3]) ?? 0)
            case "queued": add("queued \(fields[1])", Double(fields[3]) ?? 0)
            case "processed": add("processed \(fields[1])", Double(fields[3]) ?? 0)
            case "watchdecode": add("watchdecode \(fields[1])", Double(fields[3]) ?? 0)
            case "watchapply": add("watchapply \(fields[1])", Double(fields[3]) ?? 0)
            default: continue
            }
        }
        guard writes > 0 else { return }
        func mean(_ key: String) -> Double {
            guard let count = counts[key], count > 0 else { return .nan }
            return (sums[key] ?? 0) / Double(count) / 1_000_000
        }
        let prefix = "stages, \(step):"
        results.addCount("\(prefix) writes traced", writes, expected: "")
        for key in sums.keys.sorted() where key.hasPrefix("queued ") || key.hasPrefix("processed ") {
            let what = key.hasPrefix("queued ") ? "time in the queue" : "worker time per item (reconcile + its writes)"
            results.addMilliseconds("\(prefix) \(key.split(separator: " ")[1]): \(what), mean of \(counts[key] ?? 0)", mean(key), target: nil)
        }
        results.addMilliseconds("\(prefix) a write, request built to the worker running again (mean)", mean("call"), target: nil)
        results.addMilliseconds("\(prefix)   encoding the body (mean of \(counts["encode"] ?? 0))", mean("encode"), target: nil)
        results.addMilliseconds("\(prefix)   building the request (credentials, headers)", mean("build"), target: nil)
        results.addMilliseconds("\(prefix)   waiting for the curl loop to take it", mean("submitWait"), target: nil)
        results.addMilliseconds("\(prefix)   in the curl loop, taken to done", mean("curl"), target: nil)
        results.addMilliseconds("\(prefix)     of which curl's start to request sent (pretransfer)", mean("pretransfer"), target: nil)
        results.addMilliseconds("\(prefix)     of which request sent to first response byte (server)", mean("server"), target: nil)
        results.addMilliseconds("\(prefix)     of which first byte to done", mean("afterFirstByte"), target: nil)
        results.addCount("\(prefix)   connections opened", Int(sums["connects"] ?? 0), expected: "")
        results.addMilliseconds("\(prefix)   task hop: done on the loop thread to the worker running", mean("hop"), target: nil)
        results.addMilliseconds("\(prefix)   decoding the response (mean of \(counts["decode"] ?? 0))", mean("decode"), target: nil)
        for key in sums.keys.sorted() where key.hasPrefix("watch") {
            let what = key.hasPrefix("watchdecode") ? "decode" : "transform, store, handlers"
            results.addMilliseconds(
                "\(prefix) watch event of \(key.split(separator: " ")[1]): \(what) (mean of \(counts[key] ?? 0))", mean(key),
                target: nil)
        }
        results.addMilliseconds("\(prefix) barrelman CPU per write", cpuSeconds * 1000 / Double(writes), target: nil)
    }
}
