import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A generic HTTPS/1.1 server on 127.0.0.1 that hands every request to a `ServerRequestHandler`.
public final class HTTPSServer: Sendable {
    private let tls: ServerTLSMaterial
    private let handler: any ServerRequestHandler
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var listener: (any Channel)?
        var connections: [ObjectIdentifier: any Channel] = [:]
        var accepted = 0
    }

    public init(
        tls: ServerTLSMaterial, handler: any ServerRequestHandler,
        logger: Logger = Logger(label: "barrelman.test-api-server.http")
    ) {
        self.tls = tls
        self.handler = handler
        self.logger = logger
    }

    /// Connections accepted since this server was created (across restarts); for connection-reuse tests.
    public var connectionsAccepted: Int {
        state.withLock { $0.accepted }
    }

    /// Connections currently open.
    public var openConnections: Int {
        state.withLock { $0.connections.count }
    }

    /// Binds 127.0.0.1 on `port` (0 = any free port) and returns the bound port.
    public func start(port: Int = 0) async throws -> Int {
        let tlsContext = try OpenSSLServerContext(material: tls)
        let handler = self.handler
        let logger = self.logger
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [weak self] channel in
                self?.register(channel)
                return channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    try operations.addHandler(OpenSSLServerHandler(context: tlsContext, logger: logger))
                    try operations.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: true)
                    try operations.addHandler(HTTPConnectionHandler(requestHandler: handler, logger: logger))
                }
            }
        let listener = try await bootstrap.bind(host: "127.0.0.1", port: port).get()
        guard let boundPort = listener.localAddress?.port else {
            try? await listener.close()
            throw HTTPSServerError.noLocalAddress
        }
        state.withLock { $0.listener = listener }
        logger.debug("test API server listening", metadata: ["port": "\(boundPort)"])
        return boundPort
    }

    /// Closes the listener and every open connection (in-flight streams are cut).
    public func stop() async {
        let (listener, connections) = state.withLock { state in
            let taken = (state.listener, Array(state.connections.values))
            state.listener = nil
            return taken
        }
        try? await listener?.close()
        for connection in connections {
            try? await connection.close()
        }
    }

    private func register(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        state.withLock { state in
            state.accepted += 1
            state.connections[key] = channel
        }
        channel.closeFuture.whenComplete { [weak self] _ in
            _ = self?.state.withLock { $0.connections.removeValue(forKey: key) }
        }
    }
}

/// Why the server could not start.
public enum HTTPSServerError: Error, CustomStringConvertible {
    case noLocalAddress

    public var description: String {
        switch self {
        case .noLocalAddress: return "test API server: the listening socket has no local address"
        }
    }
}
