import Controllers
import KubeAPI
import Testing

@Suite struct NodeAddressSetTests {
    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var nodes: [NodeSummary]
        var settings: ControllerSettings = Fixture.settings
        var ipv4: [NodeAddressEntry]
        var ipv6: [NodeAddressEntry] = []
    }

    static let cases: [Case] = [
        Case(
            description: "ready node with InternalIP", nodes: [Fixture.node("a", internalIP: "10.0.0.1", zone: "z1")],
            ipv4: [NodeAddressEntry(nodeName: "a", address: "10.0.0.1", zone: "z1", ready: true)]),
        Case(
            description: "not-ready node is kept as not ready",
            nodes: [Fixture.node("a", internalIP: "10.0.0.1", ready: .false)],
            ipv4: [NodeAddressEntry(nodeName: "a", address: "10.0.0.1", ready: false)]),
        Case(
            description: "unknown readiness is not ready",
            nodes: [Fixture.node("a", internalIP: "10.0.0.1", ready: .unknown)],
            ipv4: [NodeAddressEntry(nodeName: "a", address: "10.0.0.1", ready: false)]),
        Case(
            description: "no Ready condition is not ready",
            nodes: [Fixture.node("a", internalIP: "10.0.0.1", ready: nil)],
            ipv4: [NodeAddressEntry(nodeName: "a", address: "10.0.0.1", ready: false)]),
        Case(
            description: "network unavailable is not ready",
            nodes: [Fixture.node("a", internalIP: "10.0.0.1", networkUnavailable: .true)],
            ipv4: [NodeAddressEntry(nodeName: "a", address: "10.0.0.1", ready: false)]),
        Case(
            description: "network available is ready",
            nodes: [Fixture.node("a", internalIP: "10.0.0.1", networkUnavailable: .false)],
            ipv4: [NodeAddressEntry(nodeName: "a", address: "10.0.0.1", ready: true)]),
        Case(
            description: "cordoned node stays: kube-proxy on it forwards as before (upstream 1.26+)",
            nodes: [Fixture.node("a", internalIP: "10.0.0.1", unschedulable: true)],
            ipv4: [NodeAddressEntry(nodeName: "a", address: "10.0.0.1", ready: true)]),
        Case(
            description: "node excluded from load balancers stays, flagged for the selection",
            nodes: [Fixture.node("a", internalIP: "10.0.0.1", excluded: true)],
            ipv4: [NodeAddressEntry(nodeName: "a", address: "10.0.0.1", ready: true, excludedFromLoadBalancers: true)]),
        Case(
            description: "node the cluster autoscaler is removing is left out",
            nodes: [
                NodeSummary(
                    metadata: ObjectMeta(name: "a"), toBeDeletedByClusterAutoscaler: true,
                    addresses: [NodeAddress(type: "InternalIP", address: "10.0.0.1")], ready: .true)
            ], ipv4: []),
        Case(
            description: "node without InternalIP is skipped", nodes: [Fixture.node("a", externalIP: "1.2.3.4")],
            ipv4: []),
        Case(
            description: "ExternalIP when configured",
            nodes: [Fixture.node("a", internalIP: "10.0.0.1", externalIP: "1.2.3.4")],
            settings: Fixture.with { $0.nodeAddressType = .externalIP },
            ipv4: [NodeAddressEntry(nodeName: "a", address: "1.2.3.4", ready: true)]),
        Case(
            description: "a non-IP address is skipped",
            nodes: [Fixture.node("a", internalIP: "node-a.internal")], ipv4: []),
        Case(
            description: "dual-stack node lands in both families",
            nodes: [
                Fixture.node(
                    "a", internalIP: "10.0.0.1",
                    extraAddresses: [
                        NodeAddress(type: "InternalIP", address: "fd00::1"),
                        NodeAddress(type: "InternalIP", address: "fd00::2"),
                    ])
            ],
            ipv4: [NodeAddressEntry(nodeName: "a", address: "10.0.0.1", ready: true)],
            ipv6: [NodeAddressEntry(nodeName: "a", address: "fd00::1", ready: true)]),
        Case(
            description: "sorted by node name whatever the input order",
            nodes: [
                Fixture.node("c", internalIP: "10.0.0.3"), Fixture.node("a", internalIP: "10.0.0.9"),
                Fixture.node("b", internalIP: "10.0.0.1"),
            ],
            ipv4: [
                NodeAddressEntry(nodeName: "a", address: "10.0.0.9", ready: true),
                NodeAddressEntry(nodeName: "b", address: "10.0.0.1", ready: true),
                NodeAddressEntry(nodeName: "c", address: "10.0.0.3", ready: true),
            ]),
    ]

    @Test(arguments: cases)
    func entries(_ test: Case) {
        let set = NodeAddressSet(nodes: test.nodes, settings: test.settings)
        #expect(set.ipv4 == test.ipv4)
        #expect(set.ipv6 == test.ipv6)
    }

    @Test func inputOrderDoesNotChangeTheSet() {
        let nodes = Fixture.nodes(50, readyEvery: 3)
        #expect(Fixture.addressSet(nodes) == Fixture.addressSet(nodes.reversed()))
        #expect(Fixture.addressSet(nodes) == Fixture.addressSet(nodes.shuffled()))
    }

    @Test(arguments: [
        ("10.0.0.1", IPAddressFamily?.some(.ipv4)), ("255.255.255.255", .ipv4), ("::1", .ipv6), ("fd00::10", .ipv6),
        ("::ffff:10.0.0.1", .ipv6), ("2001:db8:0:0:0:0:0:1", .ipv6), ("10.0.0", nil), ("10.0.0.256", nil),
        ("fe80::1%eth0", nil), ("node-a", nil), ("", nil),
    ])
    func addressFamilies(address: String, family: IPAddressFamily?) {
        #expect(IPAddressFamily(parsing: address) == family)
    }
}
