/// What one probe of a node saw.
public enum ProbeOutcome: Sendable, Hashable, CustomStringConvertible {
    /// An HTTP answer with this status; for a TCP probe, the connection was established (status 0).
    case answered(status: Int)
    /// Nothing listens, or something in between rejects the connection.
    case refused
    /// No answer within the probe timeout (a dead node, a firewall that drops, a wedged server).
    case timedOut
    /// Anything else (reset mid-answer, a garbled response).
    case failed(String)

    /// A probe that passes: HTTP 200-399 as Kubernetes probes and cloud load balancers count it, or a TCP connect.
    public var passed: Bool {
        if case .answered(let status) = self { return status == 0 || (200..<400).contains(status) }
        return false
    }

    /// Whether whatever listens on the probed port answered at all (an HTTP 503 is an answer).
    public var gotAnswer: Bool {
        if case .answered = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .answered(let status): return status == 0 ? "connected" : "HTTP \(status)"
        case .refused: return "refused"
        case .timedOut: return "timed out"
        case .failed(let why): return "failed: \(why)"
        }
    }
}
