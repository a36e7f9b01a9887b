import Controllers
import KubeAPI
import Synchronization
import Testing

/// Equal endpoint lists share one buffer in the caches, and lists no cached object holds are let go.
@Suite struct EndpointInternerTests {
    static func slice(_ name: String, addresses: [String]) -> EndpointSlice {
        EndpointSlice(
            metadata: ObjectMeta(name: name, namespace: "ns"),
            endpoints: addresses.map { Endpoint(addresses: [$0], conditions: EndpointConditions(ready: true)) })
    }

    static func storage(_ endpoints: [Endpoint]) -> UnsafeRawPointer? {
        endpoints.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    @Test func equalListsShareOneBuffer() {
        let interner = EndpointInterner()
        let a = interner.intern(Self.slice("a", addresses: ["10.0.0.1", "10.0.0.2"]))
        let b = interner.intern(Self.slice("b", addresses: ["10.0.0.1", "10.0.0.2"]))
        #expect(a.endpoints == b.endpoints)
        #expect(Self.storage(a.endpoints) == Self.storage(b.endpoints))
        #expect(interner.internedListCount == 1)
    }

    @Test func listsNoCachedObjectHoldsAreLetGo() {
        let interner = EndpointInterner(minimumCapacity: 8)
        // The cache holds only the latest slice, as after a long run of node changes.
        let cache = Mutex<[EndpointSlice]>([])
        interner.trackLiveLists(slices: { cache.withLock { $0.map(\.endpoints) } }, subsets: { [] })
        for generation in 0..<1000 {
            let slice = interner.intern(Self.slice("a", addresses: ["10.0.\(generation / 256).\(generation % 256)"]))
            cache.withLock { $0 = [slice] }
            #expect(interner.internedListCount <= 8, "the table grew to \(interner.internedListCount) lists")
        }
        // What the cache still holds stays shared after a prune.
        let cached = cache.withLock { $0[0] }
        let again = interner.intern(Self.slice("b", addresses: cached.endpoints.flatMap(\.addresses)))
        #expect(Self.storage(again.endpoints) == Self.storage(cached.endpoints))
    }

    /// With `-nodes-per-service` each service has a list of its own, but the same nodes.
    @Test func endpointsOfDifferentListsShareOneBox() {
        let interner = EndpointInterner()
        let a = interner.intern(Self.slice("a", addresses: ["10.0.0.1", "10.0.0.2"]))
        let b = interner.intern(Self.slice("b", addresses: ["10.0.0.2", "10.0.0.3"]))
        #expect(a.endpoints[1] == b.endpoints[0])
        #expect(a.endpoints[1].sharesStorage(with: b.endpoints[0]))
        #expect(interner.internedEndpointCount == 3)
    }

    @Test func endpointsNoSliceHoldsAreLetGo() {
        let interner = EndpointInterner(minimumCapacity: 8)
        var held: EndpointSlice?
        for generation in 0..<1000 {
            held = interner.intern(Self.slice("a", addresses: ["10.1.\(generation / 256).\(generation % 256)", "10.2.0.1"]))
            // Bounded by what the list table (at most 8 lists here) and the held slice still share, not by 1000.
            #expect(interner.internedEndpointCount <= 32, "the table grew to \(interner.internedEndpointCount) endpoints")
        }
        // The endpoint every generation had is still the one the held slice shares.
        let again = interner.intern(Self.slice("b", addresses: ["10.2.0.1"]))
        #expect(held?.endpoints[1].sharesStorage(with: again.endpoints[0]) == true)
    }

    /// A first list of thousands of slices is interned before any cache holds it: sweeping the table on the
    /// way must not lose what the snapshot shares.
    @Test func aSnapshotNoCacheHoldsYetStaysShared() {
        let interner = EndpointInterner(minimumCapacity: 8)
        let snapshot = (0..<500).map { service in
            interner.intern(Self.slice("s\(service)", addresses: ["10.3.0.\(service % 200)", "10.4.0.1"]))
        }
        #expect(snapshot.allSatisfy { $0.endpoints[1].sharesStorage(with: snapshot[0].endpoints[1]) })
        #expect(snapshot[0].endpoints[0].sharesStorage(with: snapshot[200].endpoints[0]))
        #expect(interner.internedEndpointCount == 201)
    }
}
