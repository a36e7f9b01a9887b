import Controllers
import KubeAPI
import Testing

/// Which services a node change can affect: only addresses changing keeps every service's node choice.
@Suite struct NodeCandidateChangeTests {
    static let before = Fixture.addressSet([
        Fixture.node("a", internalIP: "10.0.0.1", zone: "z1"),
        Fixture.node("b", internalIP: "10.0.0.2", zone: "z2"),
        Fixture.node("c", internalIP: "10.0.0.3", ready: .false, zone: "z1"),
    ])

    static func after(_ change: (inout [NodeSummary]) -> Void) -> NodeAddressSet {
        var nodes = [
            Fixture.node("a", internalIP: "10.0.0.1", zone: "z1"),
            Fixture.node("b", internalIP: "10.0.0.2", zone: "z2"),
            Fixture.node("c", internalIP: "10.0.0.3", ready: .false, zone: "z1"),
        ]
        change(&nodes)
        return Fixture.addressSet(nodes)
    }

    @Test(arguments: [
        ("nothing", after { _ in }, NodeCandidateChange.none),
        ("b's address", after { $0[1] = Fixture.node("b", internalIP: "10.0.9.2", zone: "z2") }, .addresses(of: ["b"])),
        (
            "a not-ready node's address", after { $0[2] = Fixture.node("c", internalIP: "10.0.9.3", ready: .false, zone: "z1") },
            .addresses(of: ["c"])
        ),
        ("b becomes not ready", after { $0[1] = Fixture.node("b", internalIP: "10.0.0.2", ready: .false, zone: "z2") }, .membership),
        ("c becomes ready", after { $0[2] = Fixture.node("c", internalIP: "10.0.0.3", zone: "z1") }, .membership),
        ("b moves zone", after { $0[1] = Fixture.node("b", internalIP: "10.0.0.2", zone: "z1") }, .membership),
        ("b gets excluded", after { $0[1] = Fixture.node("b", internalIP: "10.0.0.2", zone: "z2", excluded: true) }, .membership),
        ("d joins", after { $0.append(Fixture.node("d", internalIP: "10.0.0.4", zone: "z2")) }, .membership),
        ("a leaves", after { $0.removeFirst() }, .membership),
        ("a loses its address", after { $0[0] = Fixture.node("a", zone: "z1") }, .membership),
        (
            "a is replaced by a node of another name with its address",
            after { $0[0] = Fixture.node("a2", internalIP: "10.0.0.1", zone: "z1") }, .membership
        ),
    ])
    func classifies(_ what: String, _ new: NodeAddressSet, _ expected: NodeCandidateChange) {
        #expect(nodeCandidateChange(from: Self.before, to: new) == expected, "\(what)")
    }

    @Test func theFirstComputationAffectsEveryService() {
        #expect(nodeCandidateChange(from: nil, to: Self.before) == .membership)
    }
}
