import Controllers
import KubeAPI
import Testing

/// `-nodes-per-service`: each service's N nodes, by rendezvous hashing, spread over zones, ready ones first.
@Suite struct NodeSubsetTests {
    static func nodes(_ count: Int, zones: Int = 1, readyEvery: Int = 1, prefix: String = "node") -> NodeAddressSet {
        let nodes = (0..<count).map { index in
            Fixture.node(
                "\(prefix)-\(index)", internalIP: "10.\(index / 65536 % 256).\(index / 256 % 256).\(index % 256)",
                ready: index % readyEvery == 0 ? .true : .false, zone: "zone-\(index % zones)")
        }
        return Fixture.addressSet(nodes)
    }

    static func services(_ count: Int) -> [ObjectKey] {
        (0..<count).map { ObjectKey(namespace: "ns-\($0 % 7)", name: "service-\($0)") }
    }

    static func chosen(_ nodes: NodeAddressSet, _ service: ObjectKey, _ count: Int) -> Set<String> {
        Set(NodeSubset(nodes: nodes).choose(service: service, count: count).all.map(\.nodeName))
    }

    @Test func aServiceGetsExactlyNNodesAndZeroMeansAll() {
        let nodes = Self.nodes(100)
        #expect(Self.chosen(nodes, Self.services(1)[0], 25).count == 25)
        #expect(Self.chosen(nodes, Self.services(1)[0], 0).count == 100)
        #expect(Self.chosen(nodes, Self.services(1)[0], 200).count == 100)
    }

    @Test func theSameInputsChooseTheSameNodesWhateverTheOrderOrTheProcess() {
        let nodes = Self.nodes(60, zones: 3)
        let reversed = NodeAddressSet(ipv4: nodes.ipv4.reversed())
        for service in Self.services(20) {
            #expect(Self.chosen(nodes, service, 10) == Self.chosen(reversed, service, 10))
        }
        // Pinned: a restart (a new process, a new Swift Hasher seed) must choose these same nodes.
        #expect(NodeSubset.weight(StableHash.of("shop", "web"), StableHash.of("node-1")) == 11_025_680_934_723_779_628)
        #expect(Self.chosen(Self.nodes(20), ObjectKey(namespace: "shop", name: "web"), 3) == ["node-4", "node-11", "node-18"])
    }

    @Test(arguments: [(6, [2, 2, 2]), (7, [3, 2, 2]), (2, [1, 1, 0]), (30, [10, 10, 10])])
    func nodesAreSpreadEvenlyOverZones(count: Int, perZone: [Int]) {
        let nodes = Self.nodes(30, zones: 3)
        for service in Self.services(50) {
            let chosen = Self.chosen(nodes, service, count)
            let counts = (0..<3).map { zone in chosen.count { Int($0.split(separator: "-")[1])! % 3 == zone } }
            #expect(counts.sorted(by: >) == perZone)
        }
    }

    @Test func aSmallZoneGivesItsRemainingShareToTheOthers() {
        // zone-0 has 2 nodes, zone-1 has 20: 10 per service means 2 + 8... of which zone-1 takes what zone-0 cannot.
        let small = (0..<2).map { Fixture.node("s-\($0)", internalIP: "10.1.0.\($0)", zone: "zone-0") }
        let large = (0..<20).map { Fixture.node("l-\($0)", internalIP: "10.2.0.\($0)", zone: "zone-1") }
        let chosen = Self.chosen(Fixture.addressSet(small + large), ObjectKey(namespace: "a", name: "b"), 10)
        #expect(chosen.count == 10)
        #expect(chosen.count { $0.hasPrefix("s-") } == 2)
    }

    @Test func notReadyNodesFillASubsetOnlyWhenTooFewAreReady() {
        let nodes = Self.nodes(40, readyEvery: 4)  // 10 ready
        for service in Self.services(30) {
            let subset = NodeSubset(nodes: nodes).choose(service: service, count: 8)
            #expect(subset.all.count == 8 && subset.readyCount == 8)
            let larger = NodeSubset(nodes: nodes).choose(service: service, count: 12)
            #expect(larger.all.count == 12 && larger.readyCount == 10)
        }
    }

    @Test func aNodeLeavingChangesOnlyTheServicesThatHadIt() {
        let before = Self.nodes(100)
        let gone = "node-42"
        let after = before.filter { $0.nodeName != gone }
        for service in Self.services(500) {
            let old = Self.chosen(before, service, 25)
            let new = Self.chosen(after, service, 25)
            #expect((old == new) == !old.contains(gone))
            #expect(old.subtracting(new).subtracting([gone]).isEmpty, "only the gone node leaves")
        }
    }

    @Test func aNodeJoiningMovesAboutTheShareTheHashingPredicts() {
        let before = Self.nodes(100)
        let after = Self.nodes(101)
        let services = Self.services(2000)
        let moved = services.count { Self.chosen(before, $0, 25) != Self.chosen(after, $0, 25) }
        // The new node is in a service's top 25 of 101 with probability 25/101: about 495 of 2000.
        let expected = Double(services.count) * 25 / 101
        #expect(Double(moved) > expected * 0.8 && Double(moved) < expected * 1.2, "moved \(moved), expected about \(expected)")
        for service in services {
            let old = Self.chosen(before, service, 25)
            let new = Self.chosen(after, service, 25)
            #expect(new == old || new.subtracting(old) == ["node-100"], "a join only brings the new node in")
        }
    }
}
