import KubeAPI
import TestAPIServer
import Testing

/// The remote nodes as an in-process barrelman in the tests reaches them: every dial goes to a loopback
/// listener of a `LoopbackNodeFleet`, never to a node's (fake or real) address. Every node answers unless a test
/// adds it and says otherwise; on real clusters too, so their nodes are probed without a packet leaving here.
public final class TestNodeNetwork: NodeDialer {
    public let fleet: LoopbackNodeFleet

    init(fleet: LoopbackNodeFleet) {
        self.fleet = fleet
    }

    public static func start() async throws -> TestNodeNetwork {
        installDialGuard()
        return TestNodeNetwork(fleet: try await LoopbackNodeFleet.start(answerUnknownAddresses: true))
    }

    public func route(address: String, port: Int) -> DialRoute {
        .connect(host: "127.0.0.1", port: fleet.route(address: address, port: port))
    }

    public func stop() async {
        await fleet.stop()
    }

    /// Fails the test that lets barrelman dial a node address directly (the production `DirectNodeDialer`):
    /// the dial is refused and recorded as an issue.
    public static func installDialGuard() {
        NodeDialGuard.install { description in Issue.record(Comment(rawValue: description)) }
    }
}
