import Glibc

/// This process's memory and CPU, from /proc and getrusage.
enum ProcessStats {
    /// Peak resident set size (VmHWM) in bytes.
    static var peakRSS: Int { statusField("VmHWM:") }
    /// Current resident set size (VmRSS) in bytes.
    static var currentRSS: Int { statusField("VmRSS:") }

    /// Resets VmHWM to the current RSS, so a later peak covers only what follows.
    static func resetPeakRSS() {
        guard let file = fopen("/proc/self/clear_refs", "w") else { return }
        fputs("5", file)
        fclose(file)
    }

    /// User + system CPU seconds used so far.
    static var cpuSeconds: Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    private static func statusField(_ prefix: String) -> Int {
        guard let file = fopen("/proc/self/status", "r") else { return 0 }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 512)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard text.hasPrefix(prefix) else { continue }
            let kilobytes = Int(text.dropFirst(prefix.count).filter(\.isNumber)) ?? 0
            return kilobytes * 1024
        }
        return 0
    }
}

/// Writes a line to standard error.
func printError(_ message: String) {
    let line = Array((message + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

/// Writes a line to standard output unbuffered, so a run killed by a timeout keeps what it printed.
func printLine(_ message: String) {
    let line = Array((message + "\n").utf8)
    _ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
}
