/// Probes remote nodes as a cloud load balancer's health checks do: an HTTP GET (on the node's kept-alive
/// connection) or a TCP connect, never through a proxy, bounded by one timeout. Every dial goes through the
/// `NodeDialer` seam.
///
/// Uses a transport of its own (its own libcurl multi handle and thread), so probes never queue behind API
/// requests and a slow node never delays a write.
public final class NodeProbeClient: Sendable {
    private let dialer: any NodeDialer
    private let timeout: Duration
    private let transport: HTTPTransport

    public init(dialer: any NodeDialer, timeout: Duration) {
        self.dialer = dialer
        self.timeout = timeout
        // One idle connection per probed node: 5000 nodes hold 5000 sockets (the App raises its file limit).
        transport = HTTPTransport(connectTimeout: timeout, maxCachedConnections: 20_000)
    }

    /// `GET http://address:port/path`; passes on 200-399.
    public func httpGet(address: String, port: Int, path: String) async -> ProbeOutcome {
        await probe(address: address, port: port, path: path, use: .probe)
    }

    /// A TCP connect to `address:port`, closed at once.
    public func tcpConnect(address: String, port: Int) async -> ProbeOutcome {
        await probe(address: address, port: port, path: "/", use: .probeConnectOnly)
    }

    public func shutdown() {
        transport.shutdown()
    }

    private func probe(address: String, port: Int, path: String, use: ConnectionUse) async -> ProbeOutcome {
        guard case .connect(let host, let targetPort) = dialer.route(address: address, port: port) else {
            return .refused
        }
        let authority = host.contains(":") ? "[\(host)]:\(targetPort)" : "\(host):\(targetPort)"
        let request = HTTPRequest(
            method: "GET", url: "http://\(authority)\(path)", timeout: timeout, connectionUse: use)
        do {
            return .answered(status: try await transport.send(request).status)
        } catch {
            switch error {
            case .connectionFailed(let message):
                return message.contains("refused") || message.contains("Couldn't connect") ? .refused : .failed(message)
            case .timedOut: return .timedOut
            case .cancelled: return .failed("cancelled")
            case .tls(let message), .interrupted(let message), .other(_, let message): return .failed(message)
            }
        }
    }
}
