import KubeAPI
import TestAPIServer

/// The remote nodes of every run: one loopback listener answering 200 for any node address and port (kube-proxy's
/// health port and the node ports alike), so barrelman's prober probes every node at the scenario's scale and
/// its cost is in the figures, without a packet to the fake node addresses.
struct AnsweringNodes {
    let fleet: LoopbackNodeFleet

    static func start() async throws -> AnsweringNodes {
        AnsweringNodes(fleet: try await LoopbackNodeFleet.start(answerUnknownAddresses: true))
    }

    /// `BARRELMAN_TEST_NODE_DIAL` for the barrelman child: every node's every port is the answering listener.
    var dialRules: String { "*:*=127.0.0.1:\(fleet.unknownAddressPort)" }

    /// The same mapping for barrelman in this process.
    func dialer() throws -> any NodeDialer {
        try NodeDialRules(parsing: dialRules)
    }

    func stop() async {
        await fleet.stop()
    }
}
