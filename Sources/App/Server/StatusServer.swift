import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Plain-HTTP endpoints for the kubelet and Prometheus: `/metrics`, `/healthz` (the process is alive) and
/// `/readyz` (caches synced, and leading or standing by when electing).
final class StatusServer: Sendable {
    struct Probes: Sendable {
        var metrics: @Sendable () -> [UInt8]
        var ready: @Sendable () -> (Bool, String)
    }

    private let probes: Probes
    private let channel = Mutex<(any Channel)?>(nil)

    init(probes: Probes) {
        self.probes = probes
    }

    /// Binds `address` in Go's form (`:9193`, `127.0.0.1:9193`, `[::]:9193`) and returns the bound port.
    func start(address: String) async throws -> Int {
        let (host, port) = try Self.split(address)
        let probes = self.probes
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(StatusHandler(probes: probes))
                }
            }
            .bind(host: host, port: port).get()
        self.channel.withLock { $0 = channel }
        return channel.localAddress?.port ?? port
    }

    func stop() async {
        let channel = self.channel.withLock { channel in
            defer { channel = nil }
            return channel
        }
        try? await channel?.close()
    }

    struct AddressError: Error, CustomStringConvertible {
        var description: String
    }

    static func split(_ address: String) throws -> (String, Int) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw AddressError(description: "-listen-address \(address): expected HOST:PORT or :PORT")
        }
        var host = String(address[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }
}

private final class StatusHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let probes: StatusServer.Probes

    init(probes: StatusServer.Probes) {
        self.probes = probes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let request) = unwrapInboundIn(data) else { return }
        let path = request.uri.split(separator: "?").first.map(String.init) ?? request.uri
        let (status, contentType, body): (HTTPResponseStatus, String, [UInt8])
        switch path {
        case "/metrics":
            (status, contentType, body) = (.ok, "text/plain; version=0.0.4; charset=utf-8", probes.metrics())
        case "/healthz", "/livez":
            (status, contentType, body) = (.ok, "text/plain", Array("ok\n".utf8))
        case "/readyz":
            let (ready, reason) = probes.ready()
            (status, contentType, body) = (ready ? .ok : .serviceUnavailable, "text/plain", Array("\(reason)\n".utf8))
        default:
            (status, contentType, body) = (.notFound, "text/plain", Array("not found\n".utf8))
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.count))
        let head = HTTPResponseHead(version: request.version, status: status, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        // Writes go out in order, so a close queued after them does not cut the response.
        if !request.isKeepAlive { context.close(mode: .output, promise: nil) }
    }
}
