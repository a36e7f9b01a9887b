import Foundation

/// The barrelman child's resident memory and open file descriptors over a soak, and whether they stayed flat.
struct ResourceSeries {
    struct Sample {
        /// Seconds since the churn started.
        var at: Double
        var rss: Int
        var fds: Int
    }

    private(set) var samples: [Sample] = []

    mutating func record(pid: Int32, at seconds: Double) {
        samples.append(Sample(at: seconds, rss: Self.currentRSS(pid: pid), fds: Self.openFileCount(pid: pid)))
    }

    /// RSS in the last third may exceed the first third's by `rssGrowth` plus `rssSlackMiB`; fds by `fdSlack`.
    /// The first `warmUpFraction` of the samples (caches and connection pools filling) is left out.
    struct Verdict {
        var lines: [String]
        var failures: [String]
    }

    func verdict(warmUpFraction: Double = 0.2, rssGrowth: Double = 0.2, rssSlackMiB: Double = 4, fdSlack: Int = 10) -> Verdict {
        let steady = Array(samples.dropFirst(Int(Double(samples.count) * warmUpFraction)))
        guard steady.count >= 3 else {
            return Verdict(lines: [], failures: ["only \(steady.count) samples after warm-up: run longer or sample more often"])
        }
        let third = steady.count / 3
        let first = steady.prefix(third)
        let last = steady.suffix(third)
        func mib(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1_048_576) }
        func describe(_ name: String, _ part: ArraySlice<Sample>) -> String {
            let rss = part.map(\.rss)
            let fds = part.map(\.fds)
            let span = String(format: "%.0f-%.0f s", part.first?.at ?? 0, part.last?.at ?? 0)
            return "\(name) (\(span), \(part.count) samples): RSS min \(mib(rss.min() ?? 0)) / median \(mib(Self.median(rss)))"
                + " / max \(mib(rss.max() ?? 0)) MiB; fds min \(fds.min() ?? 0) / max \(fds.max() ?? 0)"
        }
        var lines = [describe("first third after warm-up", first), describe("last third", last)]
        var failures: [String] = []
        let rssFirst = first.map(\.rss).max() ?? 0
        let rssLast = last.map(\.rss).max() ?? 0
        let rssLimit = Int(Double(rssFirst) * (1 + rssGrowth) + rssSlackMiB * 1_048_576)
        lines.append("RSS max, last third vs first: \(mib(rssLast)) vs \(mib(rssFirst)) MiB (limit \(mib(rssLimit)) MiB)")
        if rssLast > rssLimit {
            failures.append("barrelman's RSS grew: max \(mib(rssLast)) MiB in the last third against \(mib(rssFirst)) MiB in the first (limit \(mib(rssLimit)) MiB)")
        }
        let fdsFirst = first.map(\.fds).max() ?? 0
        let fdsLast = last.map(\.fds).max() ?? 0
        lines.append("open fds max, last third vs first: \(fdsLast) vs \(fdsFirst) (limit \(fdsFirst + fdSlack))")
        if fdsLast > fdsFirst + fdSlack {
            failures.append("barrelman's open file descriptors grew: max \(fdsLast) in the last third against \(fdsFirst) in the first (limit \(fdsFirst + fdSlack))")
        }
        return Verdict(lines: lines, failures: failures)
    }

    /// About `points` evenly spaced samples, as "time: RSS MiB / fds" for the record.
    func thinned(points: Int = 16) -> String {
        guard !samples.isEmpty else { return "(no samples)" }
        let step = max(1, samples.count / points)
        var picked = stride(from: 0, to: samples.count, by: step).map { samples[$0] }
        if let last = samples.last, picked.last?.at != last.at { picked.append(last) }
        return picked.map { String(format: "%.0fs %.1f/%d", $0.at, Double($0.rss) / 1_048_576, $0.fds) }.joined(separator: ", ")
    }

    private static func median(_ values: [Int]) -> Int {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    /// VmRSS of another process, in bytes.
    static func currentRSS(pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return (Int(line.filter(\.isNumber)) ?? 0) * 1024
        }
        return 0
    }

    /// Entries in /proc/<pid>/fd: sockets, pipes, files, epoll and event fds.
    static func openFileCount(pid: Int32) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? 0
    }
}
