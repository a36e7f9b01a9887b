import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Remote nodes that answer on loopback, for tests, the demo and the benchmarks, which must never dial the fake
/// node addresses (10.x and the like may be real hosts on someone's network).
///
/// Each node is one listener on 127.0.0.1 that answers every request with 200 and its own name, on whatever
/// port was dialed (node ports and kube-proxy's health port alike). `route(address:port:)` says where a dial
/// of a node's address really goes: its listener while it answers; a bound socket that never listens (a real
/// "connection refused") while it refuses; a listener that accepts and never answers while it hangs (a dead
/// node behind a dropping firewall, a wedged kube-proxy); a listener answering 503 for ports marked unhealthy
/// (kube-proxy's `healthCheckNodePort` on a node without a local endpoint).
public final class LoopbackNodeFleet: Sendable {
    public enum Behaviour: Sendable, Hashable {
        case answering
        case refusing
        case hanging
    }

    private struct Node {
        var name: String
        var port: Int
        var behaviour: Behaviour = .answering
        /// Ports that refuse although the node answers (a firewall in front of the health port).
        var refusedPorts: Set<Int> = []
        /// Ports answered with 503.
        var unhealthyPorts: Set<Int> = []
        /// Connections its own listener accepted (probes and requests that reached the node).
        var connections = 0
    }

    private let state = Mutex<(byAddress: [String: Node], channels: [any Channel])>(([:], []))
    private let refusingPort: Int
    private let refusingSocket: Int32
    private let hangingPort: Int
    private let unavailablePort: Int
    /// Where addresses no node was added for go: refused, or (for tests against real clusters, whose nodes are
    /// what they are) answered by one listener that stands in for any node.
    private let unknownPort: Int

    private init(
        refusingSocket: Int32, refusingPort: Int, hanging: any Channel, unavailable: any Channel, unknown: (any Channel)?
    ) {
        unknownPort = unknown?.localAddress?.port ?? refusingPort
        self.refusingSocket = refusingSocket
        self.refusingPort = refusingPort
        hangingPort = hanging.localAddress?.port ?? 0
        unavailablePort = unavailable.localAddress?.port ?? 0
        state.withLock { $0.channels = [hanging, unavailable] + (unknown.map { [$0] } ?? []) }
    }

    /// A fleet without nodes; `add` them. `answerUnknownAddresses`: any other address answers too.
    public static func start(answerUnknownAddresses: Bool = false) async throws -> LoopbackNodeFleet {
        let (socket, port) = try boundSocketThatNeverListens()
        let hanging = try await listen { _ in nil }
        let unavailable = try await listen { _ in (503, "no local endpoints\n") }
        let unknown = answerUnknownAddresses ? try await listen { _ in (200, "node\n") } : nil
        return LoopbackNodeFleet(
            refusingSocket: socket, refusingPort: port, hanging: hanging, unavailable: unavailable, unknown: unknown)
    }

    /// A node at `address` (its fake InternalIP), answering with `name`.
    public func add(name: String, address: String) async throws {
        let channel = try await Self.listen({ _ in (200, "\(name)\n") }) { [weak self] in
            self?.state.withLock { $0.byAddress[address]?.connections += 1 }
        }
        let port = channel.localAddress?.port ?? 0
        state.withLock { state in
            state.byAddress[address] = Node(name: name, port: port)
            state.channels.append(channel)
        }
    }

    public func set(_ address: String, _ behaviour: Behaviour) {
        state.withLock { $0.byAddress[address]?.behaviour = behaviour }
    }

    /// Makes `port` of the node refuse (true) or answer again (false).
    public func setRefused(_ address: String, port: Int, _ refused: Bool) {
        state.withLock { state in
            if refused { state.byAddress[address]?.refusedPorts.insert(port) } else {
                state.byAddress[address]?.refusedPorts.remove(port)
            }
        }
    }

    /// Makes `port` of the node answer 503 (true) or 200 again (false).
    public func setUnhealthy(_ address: String, port: Int, _ unhealthy: Bool) {
        state.withLock { state in
            if unhealthy { state.byAddress[address]?.unhealthyPorts.insert(port) } else {
                state.byAddress[address]?.unhealthyPorts.remove(port)
            }
        }
    }

    /// Where a dial of `address:port` goes: a loopback port on 127.0.0.1. An unknown address refuses.
    public func route(address: String, port: Int) -> Int {
        state.withLock { state in
            guard let node = state.byAddress[address] else { return unknownPort }
            if node.refusedPorts.contains(port) { return refusingPort }
            switch node.behaviour {
            case .refusing: return refusingPort
            case .hanging: return hangingPort
            case .answering: return node.unhealthyPorts.contains(port) ? unavailablePort : node.port
            }
        }
    }

    /// How many connections reached the node at `address` while it answered.
    public func connections(to address: String) -> Int {
        state.withLock { $0.byAddress[address]?.connections ?? 0 }
    }

    /// The loopback port that dials of addresses no node was added for go to: one listener answering for any
    /// node when started with `answerUnknownAddresses` (child processes get `*:*=127.0.0.1:PORT`), else refusing.
    public var unknownAddressPort: Int { unknownPort }

    /// The node name answering at `address`, if any.
    public func name(of address: String) -> String? {
        state.withLock { $0.byAddress[address]?.name }
    }

    public func stop() async {
        let channels = state.withLock { state in
            defer { state.channels = [] }
            return state.channels
        }
        for channel in channels { try? await channel.close() }
        close(refusingSocket)
    }

    // MARK: listeners

    /// A loopback HTTP/1.1 listener answering every request with `answer(path)`; nil never answers.
    private static func listen(
        _ answer: @escaping @Sendable (String) -> (status: Int, body: String)?,
        accepted: (@Sendable () -> Void)? = nil
    ) async throws -> any Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 1024)
            .childChannelInitializer { channel in
                accepted?()
                return channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    try operations.configureHTTPServerPipeline(withErrorHandling: true)
                    try operations.addHandler(FixedAnswerHandler(answer: answer))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    /// A TCP socket bound to a loopback port that never listens: connections to it are refused by the kernel,
    /// and nobody else can take the port while the fleet holds it.
    private static func boundSocketThatNeverListens() throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FleetError(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else {
            close(fd)
            throw FleetError(description: "bind: errno \(errno)")
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    public struct FleetError: Error, CustomStringConvertible {
        public var description: String
    }
}

/// Answers each request once it has been read whole, keeping the connection open as kube-proxy's health server
/// (Go's net/http) does, unless the client asked to close it.
private final class FixedAnswerHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let answer: @Sendable (String) -> (status: Int, body: String)?
    private var path = "/"
    private var keepAlive = true

    init(answer: @escaping @Sendable (String) -> (status: Int, body: String)?) {
        self.answer = answer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            path = head.uri
            keepAlive = head.isKeepAlive
        case .body: break
        case .end:
            guard let (status, body) = answer(path) else { return }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "text/plain")
            headers.add(name: "Content-Length", value: "\(body.utf8.count)")
            if !keepAlive { headers.add(name: "Connection", value: "close") }
            let head = HTTPResponseHead(
                version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
            let channel = context.channel
            let close = !keepAlive
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                if close { channel.close(promise: nil) }
            }
        }
    }
}
