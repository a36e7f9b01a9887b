import Controllers
import KubeAPI
import Testing

/// Each known defect of the original barrelman that is about decisions (CONTRACT.md), and what we do instead.
@Suite struct OriginalDefectTests {
    @Test func reorderedPortsAreNoChange() {
        let ports = [
            ServicePort(name: "http", port: 80, nodePort: 30080),
            ServicePort(name: "https", port: 443, nodePort: 30443),
            ServicePort(name: "dns", protocol: "UDP", port: 53, nodePort: 30053),
        ]
        let local = Fixture.mirrored(from: Fixture.remote(ports: ports))
        for reordered in [Array(ports.reversed()), [ports[1], ports[2], ports[0]]] {
            #expect(
                planService(remote: Fixture.remote(ports: reordered), local: local, settings: Fixture.settings) == .none
            )
        }
    }

    @Test(arguments: [
        (#"[{"type":"NetworkUnavailable","status":"True"},{"type":"Ready","status":"True"}]"#, false),
        (#"[{"type":"Ready","status":"True"},{"type":"NetworkUnavailable","status":"True"}]"#, false),
        (#"[{"type":"NetworkUnavailable","status":"False"},{"type":"Ready","status":"True"}]"#, true),
        (#"[{"type":"MemoryPressure","status":"False"},{"type":"Ready","status":"True"}]"#, true),
    ])
    func networkUnavailableListedBeforeReadyIsHonoured(conditions: String, ready: Bool) throws {
        let json =
            #"{"metadata":{"name":"a"},"status":{"addresses":[{"type":"InternalIP","address":"10.0.0.1"}],"conditions":"#
            + conditions + "}}"
        let node = try JSONDocument.decode(NodeSummary.self, from: json)
        let set = Fixture.addressSet([node])
        #expect(set.ipv4 == [NodeAddressEntry(nodeName: "a", address: "10.0.0.1", ready: ready)])
    }

    @Test func namedTargetPortIsNotWrittenAsPortZero() throws {
        let service = Fixture.local(ports: [
            ServicePort(name: "web", port: 80, targetPort: "http"),
            ServicePort(name: "metrics", port: 9090, targetPort: 31090),
        ])
        let nodes = Fixture.addressSet([Fixture.node("a", internalIP: "10.0.0.1")])
        let desired = desiredEndpoints(for: service, nodes: nodes, settings: Fixture.settings)
        let ports = try #require(desired.endpoints.subsets.first?.ports)
        #expect(ports == [EndpointPort(name: "metrics", port: 31090, protocol: "TCP")])
        #expect(!ports.contains { $0.port == 0 })
        #expect(desired.warnings.count == 1)
        #expect(desired.warnings.first?.contains(#"targetPort "http" by name"#) == true)
        let slices = desiredEndpointSlices(for: service, nodes: nodes, settings: Fixture.settings)
        #expect(slices.allSatisfy { $0.ports == [EndpointSlicePort(name: "metrics", port: 31090, protocol: "TCP")] })
    }

    @Test func noReadyNodeGivesNotReadyAddressesNotAFailure() throws {
        let nodes = Fixture.addressSet([
            Fixture.node("a", internalIP: "10.0.0.1", ready: .false),
            Fixture.node("b", internalIP: "10.0.0.2", ready: .unknown),
        ])
        let service = Fixture.local()
        let endpoints = desiredEndpoints(for: service, nodes: nodes, settings: Fixture.settings).endpoints
        let subset = try #require(endpoints.subsets.first)
        #expect(subset.addresses.isEmpty)
        #expect(subset.notReadyAddresses.map(\.ip) == ["10.0.0.1", "10.0.0.2"])
        // The old ready addresses do not stay: the write replaces them.
        var old = endpoints
        old.subsets[0].addresses = [EndpointAddress(ip: "10.0.0.9", nodeName: "gone")]
        #expect(planEndpoints(desired: endpoints, existing: old) == .update(endpoints))
        let slices = desiredEndpointSlices(for: service, nodes: nodes, settings: Fixture.settings)
        #expect(slices.flatMap(\.endpoints).allSatisfy { $0.conditions.ready == false })
        #expect(
            noReadyNodesWarning(for: service, nodes: nodes, settings: Fixture.settings)?.reason == "NoReadyRemoteNodes")
    }

    @Test func orphansLeftWhileDownAreFound() {
        let stillThere = Fixture.remote("still-there")
        let local = [Fixture.mirrored(from: stillThere), Fixture.mirrored(from: Fixture.remote("deleted-while-down"))]
        let orphans = orphanedLocalServices(local: local, remote: [stillThere], settings: Fixture.settings)
        #expect(orphans.map(\.metadata.name) == ["deleted-while-down"])
        #expect(
            planService(remote: nil, local: orphans[0], settings: Fixture.settings)
                == .delete(namespace: "shop", name: "deleted-while-down", uid: "local-uid-1"))
    }

    @Test func onlyChangedWrites() {
        // Plan, apply as the server would, plan again: the second plan writes nothing.
        let remote = Fixture.remote()
        #expect(planService(remote: remote, local: Fixture.mirrored(from: remote), settings: Fixture.settings) == .none)

        let service = Fixture.local()
        let nodes = Fixture.addressSet(Fixture.nodes(1200, readyEvery: 7))
        let endpoints = desiredEndpoints(for: service, nodes: nodes, settings: Fixture.settings).endpoints
        var stored = endpoints
        stored.metadata.resourceVersion = "1"
        #expect(planEndpoints(desired: endpoints, existing: stored) == .none)
        // A node event that changes nothing computes the same set and again writes nothing.
        let again = desiredEndpoints(
            for: service, nodes: Fixture.addressSet(Fixture.nodes(1200, readyEvery: 7).reversed()),
            settings: Fixture.settings)
        #expect(planEndpoints(desired: again.endpoints, existing: stored) == .none)

        let slices = desiredEndpointSlices(for: service, nodes: nodes, settings: Fixture.settings)
        #expect(planEndpointSlices(desired: slices, existing: slices, ownership: Fixture.settings.ownership).isEmpty)
    }

    @Test func servicesNotOursAreNeverTouched() {
        let notOurs = [Fixture.local(label: nil), Fixture.local(label: "true"), Fixture.local(label: "ignore")]
        for local in notOurs {
            for remote in [
                Fixture.remote(), Fixture.remote(ports: [ServicePort(name: "x", port: 1, nodePort: 31111)]), nil,
            ] {
                let action = planService(remote: remote, local: local, settings: Fixture.settings)
                if case .conflict = action { continue }
                #expect(action == .none)
            }
        }
        #expect(orphanedLocalServices(local: notOurs, remote: [], settings: Fixture.settings).isEmpty)
    }

    @Test(arguments: [(1500, 100, 15, 100), (1500, 1000, 2, 1000), (1000, 1000, 1, 1000), (101, 100, 2, 100)])
    func moreThan1000AddressesAreSplitNotTruncated(nodeCount: Int, perSlice: Int, sliceCount: Int, firstSize: Int) {
        let settings = Fixture.with { $0.maxEndpointsPerSlice = perSlice }
        let slices = desiredEndpointSlices(
            for: Fixture.local(), nodes: Fixture.addressSet(Fixture.nodes(nodeCount), settings: settings),
            settings: settings)
        #expect(slices.count == sliceCount)
        #expect(slices.first?.endpoints.count == firstSize)
        #expect(slices.map(\.endpoints.count).reduce(0, +) == nodeCount)
        #expect(slices.map(\.metadata.name) == (0..<sliceCount).map { "web-barrelman-ipv4-\($0)" })
        #expect(Set(slices.flatMap(\.endpoints).flatMap(\.addresses)).count == nodeCount, "no address lost or repeated")
    }

    @Test func dualStackNodesGiveIPv4AndIPv6Slices() {
        let nodes = (0..<150).map { index in
            Fixture.node(
                "node-\(index)", internalIP: "10.0.\(index / 256).\(index % 256)",
                extraAddresses: [NodeAddress(type: "InternalIP", address: "fd00::\(String(index, radix: 16))")])
        }
        let slices = desiredEndpointSlices(
            for: Fixture.local(), nodes: Fixture.addressSet(nodes), settings: Fixture.settings)
        #expect(
            slices.map(\.metadata.name) == [
                "web-barrelman-ipv4-0", "web-barrelman-ipv4-1", "web-barrelman-ipv6-0", "web-barrelman-ipv6-1",
            ])
        #expect(slices.map(\.addressType) == [.ipv4, .ipv4, .ipv6, .ipv6])
        #expect(slices.map(\.endpoints.count) == [100, 50, 100, 50])
        #expect(slices[2].endpoints.allSatisfy { IPAddressFamily(parsing: $0.addresses[0]) == .ipv6 })
    }

    @Test func nodesWithoutInternalIPAreSkipped() {
        let nodes = Fixture.addressSet([
            Fixture.node("a", internalIP: "10.0.0.1"),
            Fixture.node("b", externalIP: "1.2.3.4"),
            Fixture.node("c", extraAddresses: [NodeAddress(type: "Hostname", address: "c")]),
        ])
        let endpoints = desiredEndpoints(for: Fixture.local(), nodes: nodes, settings: Fixture.settings).endpoints
        #expect(endpoints.subsets.first?.addresses.map(\.nodeName) == ["a"])
        #expect(endpoints.subsets.first?.notReadyAddresses.isEmpty == true)
    }

    @Test func hundredPortServiceIsMirroredWhole() throws {
        let ports = (0..<100).map { ServicePort(name: "p\($0)", port: Int32(8000 + $0), nodePort: Int32(30000 + $0)) }
        let remote = Fixture.remote(ports: ports)
        let local = desiredLocalService(for: remote, settings: Fixture.settings)
        #expect(local.spec.ports.count == 100)
        let mirrored = Fixture.mirrored(from: remote)
        #expect(
            planService(remote: Fixture.remote(ports: ports.shuffled()), local: mirrored, settings: Fixture.settings)
                == .none)

        let nodes = Fixture.addressSet(Fixture.nodes(3))
        let endpoints = desiredEndpoints(for: mirrored, nodes: nodes, settings: Fixture.settings)
        #expect(endpoints.warnings.isEmpty)
        #expect(endpoints.endpoints.subsets.first?.ports.count == 100)
        #expect(
            endpoints.endpoints.subsets.first?.ports.last == EndpointPort(name: "p99", port: 30099, protocol: "TCP"))
        let slices = desiredEndpointSlices(for: mirrored, nodes: nodes, settings: Fixture.settings)
        #expect(slices.first?.ports.count == 100)
    }

    @Test func veryLongServiceNameGivesValidSliceNames() {
        let longName = String(repeating: "abcdefghi-", count: 40)  // 400 characters, ends with "-"
        let service = Fixture.local(longName)
        let slices = desiredEndpointSlices(
            for: service, nodes: Fixture.addressSet(Fixture.nodes(250)), settings: Fixture.settings)
        #expect(slices.count == 3)
        for slice in slices {
            #expect(slice.metadata.name.count <= 253)
            #expect(EndpointSliceNaming.isValidDNSSubdomain(slice.metadata.name))
            #expect(slice.metadata.labels["kubernetes.io/service-name"] == longName, "the label keeps the full name")
        }
        #expect(Set(slices.map(\.metadata.name)).count == 3, "names stay distinct")
    }
}
