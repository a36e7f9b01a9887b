import Controllers
import KubeAPI
import Testing

/// The local caches share what local objects repeat; the objects keep every value, so the controllers still
/// write nothing for an object in sync.
@Suite struct LocalObjectInternerTests {
    static let settings = Fixture.with { $0.nodesPerService = 2 }

    static func buffer(_ string: String?) -> UnsafeRawPointer? {
        string?.utf8.withContiguousStorageIfAvailable { UnsafeRawPointer($0.baseAddress) } ?? nil
    }

    /// The mirror of remote service `index` as the server returns it.
    static func mirror(_ index: Int) -> Service {
        var local = Fixture.mirrored(from: Fixture.remote("svc-\(index)", uid: "remote-uid-\(index)"), uid: "local-uid-\(index)")
        local.spec.ipFamilies = ["IPv4"]
        local.spec.ipFamilyPolicy = "SingleStack"
        return local
    }

    /// Its slice as the server returns it after barrelman created it.
    static func slice(of service: Service, nodes: NodeAddressSet) throws -> EndpointSlice {
        var slice = try #require(desiredEndpointSlices(for: service, nodes: nodes, settings: settings).first)
        slice.metadata.uid = "slice-uid-\(service.metadata.name)"
        slice.metadata.resourceVersion = "43"
        slice.metadata.creationTimestamp = "2026-01-01T00:00:00Z"
        return slice
    }

    @Test func servicesKeepEveryValueAndShareWhatTheyRepeat() {
        let interner = LocalObjectInterner()
        let a = interner.intern(Self.mirror(1))
        let b = interner.intern(Self.mirror(2))
        #expect(a == Self.mirror(1) && b == Self.mirror(2))
        #expect(a.metadata.labels == b.metadata.labels)
        for key in [BarrelmanLabels.remoteClusterAnnotation, BarrelmanLabels.scopeAnnotation, BarrelmanLabels.remoteUIDAnnotation] {
            let keyA = a.metadata.annotations.keys.first { $0 == key }
            let keyB = b.metadata.annotations.keys.first { $0 == key }
            #expect(Self.buffer(keyA) != nil && Self.buffer(keyA) == Self.buffer(keyB), "annotation key \(key)")
        }
        #expect(Self.buffer(a.metadata.creationTimestamp) == Self.buffer(b.metadata.creationTimestamp))
    }

    @Test func slicesKeepEveryValueAndShareWhatTheyRepeat() throws {
        let interner = LocalObjectInterner()
        let nodes = Fixture.addressSet(Fixture.nodes(3))
        let a = try Self.slice(of: Self.mirror(1), nodes: nodes)
        let b = try Self.slice(of: Self.mirror(2), nodes: nodes)
        let (internedA, internedB) = (interner.intern(a), interner.intern(b))
        #expect(internedA == a && internedB == b)
        let value = { (slice: EndpointSlice) in slice.metadata.labels[BarrelmanLabels.managedByLabel] }
        #expect(Self.buffer(value(internedA)) != nil && Self.buffer(value(internedA)) == Self.buffer(value(internedB)))
    }

    /// The caches hold interned objects: planned against them, an unchanged service and its slices need no write.
    @Test func internedCachesYieldNoWriteForObjectsInSync() throws {
        let interner = LocalObjectInterner()
        let endpoints = EndpointInterner()
        let nodes = Fixture.addressSet(Fixture.nodes(5))
        for index in 0..<20 {
            let remote = Fixture.remote("svc-\(index)", uid: "remote-uid-\(index)")
            let local = interner.intern(Self.mirror(index))
            #expect(planService(remote: remoteServiceProjection(remote), local: local, settings: Fixture.settings) == .none)
            let cached = interner.intern(endpoints.intern(try Self.slice(of: local, nodes: nodes)))
            let desired = desiredEndpointSlices(for: local, nodes: nodes, settings: Self.settings, existing: [cached])
            #expect(planEndpointSlices(desired: desired, existing: [cached], ownership: Self.settings.ownership).isEmpty)
        }
    }
}
