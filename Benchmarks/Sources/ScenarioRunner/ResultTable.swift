/// The figures of one run, printed as Markdown table rows as they are measured (a run cut short by a
/// timeout still reports what it got).
struct ResultTable {
    var scenario = ""
    private var headerPrinted = false
    private var rows: [(metric: String, value: String, target: String)] = [] {
        didSet { if let row = rows.last { printRow(row) } }
    }

    mutating func add(_ metric: String, _ duration: Duration?, target: String?) {
        rows.append((metric, duration.map { format($0.seconds, "s") } ?? "timed out", target ?? ""))
    }

    mutating func addMilliseconds(_ metric: String, _ milliseconds: Double, target: String?) {
        rows.append((metric, milliseconds.isNaN ? "n/a" : format(milliseconds, "ms"), target ?? ""))
    }

    mutating func addCount(_ metric: String, _ count: Int, expected: String) {
        rows.append((metric, String(count), expected))
    }

    mutating func addBytes(_ metric: String, _ bytes: Int, target: String?) {
        rows.append((metric, format(Double(bytes) / 1_048_576, "MiB"), target ?? ""))
    }

    mutating func addRate(_ metric: String, _ perSecond: Double) {
        rows.append((metric, format(perSecond, "/s"), ""))
    }

    mutating func addRatio(_ metric: String, _ ratio: Double, target: String?) {
        rows.append((metric, format(ratio, "x"), target ?? ""))
    }

    /// A figure already formatted (a range, a list).
    mutating func addText(_ metric: String, _ value: String, target: String) {
        rows.append((metric, value, target))
    }

    mutating func addCPU(_ metric: String, _ seconds: Double) {
        rows.append((metric, format(seconds, "s"), ""))
    }

    /// CPU seconds over a span of wall time, as a share of one core.
    mutating func addShareOfCore(_ metric: String, _ seconds: Double, over wallSeconds: Double, target: String?) {
        rows.append((metric, format(100 * seconds / max(wallSeconds, 0.001), "% of one core"), target ?? ""))
    }

    private mutating func printRow(_ row: (metric: String, value: String, target: String)) {
        if !headerPrinted {
            printLine("| scenario | metric | value | target / expected |")
            printLine("|---|---|---|---|")
            headerPrinted = true
        }
        printLine("| \(scenario) | \(row.metric) | \(row.value) | \(row.target) |")
    }

    private func format(_ value: Double, _ unit: String) -> String {
        let rounded = (value * 1000).rounded() / 1000
        return "\(rounded) \(unit)"
    }
}
