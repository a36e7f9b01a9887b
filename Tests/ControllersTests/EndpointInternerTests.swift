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
}
