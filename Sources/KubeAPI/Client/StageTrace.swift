import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a request's time goes, stage by stage, for the write-speed benchmark (issue #21); off unless the
/// environment names a file in `BARRELMAN_STAGE_TRACE`. Then every API call, work item and watch event appends
/// one tab-separated line to that file (one `write(2)` each, so lines from concurrent tasks never mix), with
/// CLOCK_MONOTONIC nanoseconds, which another process (the scenario runner) reads on the same clock.
///
/// Lines (times in nanoseconds; curl's own in microseconds from the transfer's start):
/// `call verb resource status start end build submitWait curl hop connects pretransfer starttransfer total`,
/// `encode resource start duration`, `decode what start duration`, `queued queue at duration` (a key's wait),
/// `processed queue at duration` (a worker's reconcile, writes included),
/// `watchdecode resource start duration` (a watch event's decode), `watchapply resource start duration`
/// (its transform, store update and handlers).
public enum StageTrace {
    private static let descriptor: Int32? = {
        guard let path = getenv("BARRELMAN_STAGE_TRACE"), path.pointee != 0 else { return nil }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        return fd >= 0 ? fd : nil
    }()

    /// Whether stages are recorded; checked before taking any clock reading.
    public static var isOn: Bool { descriptor != nil }

    /// CLOCK_MONOTONIC in nanoseconds.
    public static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    static func write(_ fields: [String]) {
        guard let descriptor else { return }
        let line = fields.joined(separator: "\t") + "\n"
        #if canImport(Glibc)
            _ = line.utf8CString.withUnsafeBufferPointer { Glibc.write(descriptor, $0.baseAddress, $0.count - 1) }
        #else
            _ = line.utf8CString.withUnsafeBufferPointer { Darwin.write(descriptor, $0.baseAddress, $0.count - 1) }
        #endif
    }

    /// One HTTP exchange of `call`: building the request (credentials) from `start` to `built`, then the
    /// transport's stages.
    static func call(_ call: APICall, status: Int, start: UInt64, built: UInt64, timing: TransferTiming) {
        write([
            "call", call.verb, call.resource.description, String(status), String(start), String(timing.resumed),
            String(built - start), String(timing.added - timing.submitted), String(timing.completed - timing.added),
            String(timing.resumed - timing.completed), String(timing.newConnections), String(timing.pretransfer),
            String(timing.startTransfer), String(timing.total),
        ])
    }

}

/// The transport's part of one request's stages, filled while `StageTrace.isOn`.
public struct TransferTiming: Sendable {
    /// When the request was handed to the curl loop, when the loop added it to the multi handle, when it
    /// completed on the loop thread, and when the waiting task ran again.
    public var submitted: UInt64 = 0
    public var added: UInt64 = 0
    public var completed: UInt64 = 0
    public var resumed: UInt64 = 0
    /// Connections this transfer opened (0: it reused one).
    public var newConnections = 0
    /// libcurl's own clock, microseconds from the transfer's start: request about to be sent, first response
    /// byte (the server's time plus the round trip), all done.
    public var pretransfer = 0
    public var startTransfer = 0
    public var total = 0
}

extension Duration {
    /// Whole nanoseconds, for `StageTrace` lines.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
