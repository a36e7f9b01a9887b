/// Probes remote nodes as a cloud load balancer's health checks do: an HTTP GET (on the node's kept-alive
/// connection) or a TCP connect, never through a proxy, bounded by one timeout. Every dial goes through the
/// `NodeDialer` seam.
///
/// Runs on a libcurl loop of its own (`CurlProbeLoop`: its own multi handle and thread), so probes never queue
/// behind API requests and a slow node never delays a write; a round's probes cross to it together.
public final class NodeProbeClient: Sendable {
    private let dialer: any NodeDialer
    private let timeout: Duration
    private let loop: CurlProbeLoop?
    private let startupError: String?

    /// `maxConcurrent`: probes in flight at once; the others wait their turn inside the loop.
    public init(dialer: any NodeDialer, timeout: Duration, maxConcurrent: Int = 512) {
        self.dialer = dialer
        self.timeout = timeout
        do throws(TransportError) {
            // One idle connection per probed node: 5000 nodes hold 5000 sockets (the App raises its file limit).
            loop = try CurlProbeLoop(maxConcurrent: maxConcurrent, maxCachedConnections: 20_000)
            startupError = nil
        } catch {
            loop = nil
            startupError = "\(error)"
        }
    }

    deinit {
        loop?.shutdown()
    }

    /// Runs every probe (at most `maxConcurrent` at once); the results come back in the probes' order.
    public func probe(_ probes: [NodeProbe]) async -> [NodeProbeResult] {
        guard let loop else {
            return probes.map { _ in NodeProbeResult(outcome: .failed(startupError ?? "probe loop not running"), duration: .zero) }
        }
        // A probe the dialer refuses never reaches libcurl: it fails as a refused connection would.
        var results = Array(repeating: NodeProbeResult(outcome: .refused, duration: .zero), count: probes.count)
        var sent: [Int] = []
        var requests: [CurlProbeRequest] = []
        sent.reserveCapacity(probes.count)
        requests.reserveCapacity(probes.count)
        let milliseconds = timeout.curlMilliseconds
        for (index, probe) in probes.enumerated() {
            guard case .connect(let host, let port) = dialer.route(address: probe.address, port: probe.port) else {
                continue
            }
            let authority = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            let (path, connectOnly) =
                switch probe.kind {
                case .http(let path): (path, false)
                case .tcp: ("/", true)
                }
            sent.append(index)
            requests.append(
                CurlProbeRequest(url: "http://\(authority)\(path)", connectOnly: connectOnly, timeoutMilliseconds: milliseconds))
        }
        let answers = await loop.run(requests)
        for (position, index) in sent.enumerated() where position < answers.count {
            results[index] = answers[position]
        }
        return results
    }

    /// `GET http://address:port/path`; passes on 200-399.
    public func httpGet(address: String, port: Int, path: String) async -> ProbeOutcome {
        await probe([NodeProbe(address: address, port: port, kind: .http(path: path))]).first?.outcome ?? .failed("no result")
    }

    /// A TCP connect to `address:port`, closed at once.
    public func tcpConnect(address: String, port: Int) async -> ProbeOutcome {
        await probe([NodeProbe(address: address, port: port, kind: .tcp)]).first?.outcome ?? .failed("no result")
    }

    public func shutdown() {
        loop?.shutdown()
    }

}

/// One probe of one node: an HTTP GET of `path`, or a bare TCP connect.
public struct NodeProbe: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case http(path: String)
        case tcp
    }

    public var address: String
    public var port: Int
    public var kind: Kind

    public init(address: String, port: Int, kind: Kind) {
        self.address = address
        self.port = port
        self.kind = kind
    }
}

/// What one probe saw, and how long it took.
public struct NodeProbeResult: Sendable, Hashable {
    public var outcome: ProbeOutcome
    public var duration: Duration
}
