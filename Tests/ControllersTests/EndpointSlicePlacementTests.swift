import Controllers
import KubeAPI
import Testing

/// Nodes keep their slice, so node churn rewrites as few slices as possible.
@Suite struct EndpointSlicePlacementTests {
    static let service = Fixture.local()
    static let settings = Fixture.settings

    static func slices(_ nodes: [NodeSummary], existing: [EndpointSlice] = [], settings: ControllerSettings = settings)
        -> [EndpointSlice]
    {
        desiredEndpointSlices(
            for: service, nodes: Fixture.addressSet(nodes, settings: settings), settings: settings, existing: existing)
    }

    @Test func addingANodeInTheMiddleRewritesOneSlice() {
        let nodes = Fixture.nodes(1500)
        let before = Self.slices(nodes)
        // "node-1000a" sorts among the first slices; chunking afresh would shift every slice after it.
        let added = nodes + [Fixture.node("node-1000a", internalIP: "10.200.0.1")]
        let after = Self.slices(added, existing: before)
        let plan = planEndpointSlices(desired: after, existing: before, ownership: Fixture.settings.ownership)
        #expect(plan.update.count + plan.create.count == 1)
        #expect(plan.delete.isEmpty)
        #expect(after.flatMap(\.endpoints).count == 1501)
        #expect(after.allSatisfy { $0.endpoints.count <= 100 })
    }

    @Test func removingANodeRewritesOneSlice() {
        let nodes = Fixture.nodes(1500)
        let before = Self.slices(nodes)
        let removed = nodes.filter { $0.metadata.name != "node-1003" }
        let after = Self.slices(removed, existing: before)
        let plan = planEndpointSlices(desired: after, existing: before, ownership: Fixture.settings.ownership)
        #expect(plan.update.count == 1 && plan.create.isEmpty && plan.delete.isEmpty)
        #expect(!after.flatMap(\.endpoints).contains { $0.nodeName == "node-1003" })
    }

    @Test func aReplacementNodeFillsTheFreedRoom() {
        let nodes = Fixture.nodes(300)
        let before = Self.slices(nodes)
        let replaced = nodes.filter { $0.metadata.name != "node-5" } + [Fixture.node("zz-new", internalIP: "10.99.0.1")]
        let after = Self.slices(replaced, existing: before)
        #expect(after.map(\.endpoints.count) == [100, 100, 100])
        #expect(planEndpointSlices(desired: after, existing: before, ownership: Fixture.settings.ownership).update.count == 1)
    }

    @Test func placingTheSameStateAgainChangesNothing() {
        let before = Self.slices(Fixture.nodes(1234, readyEvery: 3))
        let again = Self.slices(Fixture.nodes(1234, readyEvery: 3).shuffled(), existing: before)
        #expect(again == before)
        #expect(planEndpointSlices(desired: again, existing: before, ownership: Fixture.settings.ownership).isEmpty)
    }

    @Test func tooFragmentedSlicesAreRepacked() {
        let before = Self.slices(Fixture.nodes(1500))
        // Keep only 5 nodes of every slice: 75 nodes would sit in 15 slices.
        let survivors = Set(before.flatMap { $0.endpoints.prefix(5).compactMap(\.nodeName) })
        let after = Self.slices(Fixture.nodes(1500).filter { survivors.contains($0.metadata.name) }, existing: before)
        #expect(after.map(\.metadata.name) == ["web-barrelman-ipv4-0"])
        #expect(after.first?.endpoints.count == 75)
        #expect(planEndpointSlices(desired: after, existing: before, ownership: Fixture.settings.ownership).delete.count == 14)
    }

    @Test func aSmallerCapacitySpillsIntoNewSlices() {
        let big = Fixture.with { $0.maxEndpointsPerSlice = 1000 }
        let before = Self.slices(Fixture.nodes(1500), settings: big)
        #expect(before.count == 2)
        let after = Self.slices(Fixture.nodes(1500), existing: before)
        #expect(after.count == 15)
        #expect(after.allSatisfy { $0.endpoints.count == 100 })
        #expect(Set(after.flatMap(\.endpoints).flatMap(\.addresses)).count == 1500)
    }

    @Test func allNodesGoneLeavesTheEmptyIPv4Slice() {
        let before = Self.slices(Fixture.nodes(250))
        let after = Self.slices([], existing: before)
        #expect(after.map(\.metadata.name) == ["web-barrelman-ipv4-0"])
        #expect(after.first?.endpoints.isEmpty == true)
        #expect(planEndpointSlices(desired: after, existing: before, ownership: Fixture.settings.ownership).delete.count == 2)
    }

    @Test(arguments: [
        ("web-barrelman-ipv4-0", "web", IPAddressFamily.ipv4, Int?.some(0)),
        ("web-barrelman-ipv6-12", "web", .ipv6, 12),
        ("web-barrelman-ipv4-12", "web", .ipv6, nil),
        ("web-abcde", "web", .ipv4, nil),
        ("webx-barrelman-ipv4-1", "web", .ipv4, nil),
        ("web-barrelman-ipv4--1", "web", .ipv4, nil),
    ])
    func sliceIndexFromName(name: String, service: String, family: IPAddressFamily, index: Int?) {
        #expect(EndpointSliceNaming.index(of: name, service: service, family: family) == index)
    }
}
