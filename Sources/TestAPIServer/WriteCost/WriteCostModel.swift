/// What a write costs on a real kube-apiserver, so that tests and benchmarks against the test server see a
/// cluster's pace instead of an in-memory map's.
///
/// A write passes a shared stage one at a time (etcd's commit and the apiserver's serialisation: what bounds
/// throughput however many clients write), then a part of its own that concurrent writes overlap (admission,
/// the response, the round trip). A lone sequential writer therefore waits `shared + latency` per write, and
/// many concurrent writers together get at most one write per `shared`.
public struct WriteCostModel: Sendable, Equatable {
    /// Time of every write that concurrent writes do not share, before its size is counted.
    public var latency: Duration
    /// Unshared time per KiB of request body (decoding, admission, field tracking, the response): what keeps a
    /// few writers of large objects from filling the shared stage.
    public var latencyPerKiB: Duration
    /// Time a create holds the shared stage, before its size is counted.
    public var createCost: Duration
    /// Time an update, patch or delete holds the shared stage, before its size is counted.
    public var modifyCost: Duration
    /// Shared-stage time per KiB of request body: larger objects take longer to decode, validate and store.
    public var costPerKiB: Duration

    public init(
        latency: Duration, createCost: Duration, modifyCost: Duration, costPerKiB: Duration, latencyPerKiB: Duration = .zero
    ) {
        self.latency = latency
        self.latencyPerKiB = latencyPerKiB
        self.createCost = createCost
        self.modifyCost = modifyCost
        self.costPerKiB = costPerKiB
    }

    /// Fitted to a plain client with one kept-alive HTTPS connection per writer (Python's `http.client`, issue
    /// #21) against kube-apiserver 1.24 with etcd on a 2-core machine: 300 EndpointSlice updates (100 endpoints,
    /// ~16 KB) in 1.37-1.48 s with 8 writers and 1.62-2.14 s with 4; 300 service creates + 300 slice creates in
    /// 2.91-3.35 s with 8 writers. Small writes as issue #14 measured them: 5.7 ms per service create from one
    /// sequential writer, 300 of them in 1.0 s with 8. The fit before (no `latencyPerKiB`, 147 µs per KiB
    /// shared) made 4 writers as fast as 8, which the real server is not. See BENCHMARKS.md, "Write cost model".
    public static let kubeAPIServer = WriteCostModel(
        latency: .microseconds(2250), createCost: .microseconds(3250), modifyCost: .microseconds(1850),
        costPerKiB: .microseconds(188), latencyPerKiB: .microseconds(1100))

    /// How long a write with `verb` (create, update, patch, delete, deletecollection) and a request body of
    /// `bodyBytes` holds the shared stage.
    public func sharedCost(verb: String, bodyBytes: Int) -> Duration {
        let base = verb == "create" ? createCost : modifyCost
        return base + costPerKiB * (Double(bodyBytes) / 1024)
    }

    /// How long a write with a request body of `bodyBytes` takes outside the shared stage.
    public func unsharedLatency(bodyBytes: Int) -> Duration {
        latency + latencyPerKiB * (Double(bodyBytes) / 1024)
    }

    /// Whether `verb` is a write the model applies to; reads and watches cost what they cost.
    static func isWrite(_ verb: String) -> Bool {
        switch verb {
        case "create", "update", "patch", "delete", "deletecollection": return true
        default: return false
        }
    }
}
