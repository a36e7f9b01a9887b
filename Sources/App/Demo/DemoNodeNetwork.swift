import KubeAPI
import TestAPIServer

/// The demo's remote nodes as barrelman and the demo's requests reach them: every dial of a node address goes
/// to that node's loopback listener in a `LoopbackNodeFleet`, never to the (fake) address itself, which may be
/// a real host on the reader's network. (TestAPIServer does not import KubeAPI, hence this adapter.)
struct DemoNodeNetwork: NodeDialer {
    let fleet: LoopbackNodeFleet

    func route(address: String, port: Int) -> DialRoute {
        .connect(host: "127.0.0.1", port: fleet.route(address: address, port: port))
    }
}
