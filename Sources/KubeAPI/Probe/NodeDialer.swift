/// Where a connection to a remote node really goes.
public enum DialRoute: Sendable, Hashable {
    /// Connect to this host (an IP literal) and port.
    case connect(host: String, port: Int)
    /// Do not connect: the probe fails as if the connection were refused.
    case refuse
}

/// The one seam through which barrelman dials remote nodes (health probes, node-port checks).
///
/// Production dials the node itself (`DirectNodeDialer`). Tests, the demo and the benchmarks give a dialer that
/// maps node addresses to loopback listeners or refuses them, so nothing they run connects to the fake node
/// addresses (10.x and the like, which may be real hosts on someone's network).
public protocol NodeDialer: Sendable {
    func route(address: String, port: Int) -> DialRoute
}

/// Dials the node where asked, unless a test installed `NodeDialGuard` and the address is not loopback.
public struct DirectNodeDialer: NodeDialer {
    public init() {}

    public func route(address: String, port: Int) -> DialRoute {
        guard NodeDialGuard.permits(address: address, port: port) else { return .refuse }
        return .connect(host: address, port: port)
    }
}
