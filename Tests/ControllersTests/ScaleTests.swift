import Controllers
import KubeAPI
import Testing

/// Large inputs work and stay exact (no timing assertions).
@Suite struct ScaleTests {
    @Test func fiveThousandNodesToEndpointsAndSlices() throws {
        let nodes = Fixture.nodes(5000, readyEvery: 10)
        let set = Fixture.addressSet(nodes)
        #expect(set.ipv4.count == 5000)
        #expect(set.readyCount == 500)

        let service = Fixture.local()
        let endpoints = desiredEndpoints(for: service, nodes: set, settings: Fixture.settings).endpoints
        let subset = try #require(endpoints.subsets.first)
        #expect(subset.addresses.count == 500)
        #expect(subset.notReadyAddresses.count == 4500)
        #expect(planEndpoints(desired: endpoints, existing: endpoints) == .none)

        let slices = desiredEndpointSlices(for: service, nodes: set, settings: Fixture.settings)
        #expect(slices.count == 50)
        #expect(planEndpointSlices(desired: slices, existing: slices, ownership: Fixture.settings.ownership).isEmpty)
    }
}
