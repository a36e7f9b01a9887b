import Controllers
import KubeAPI
import Testing

@Suite struct DesiredEndpointSlicesTests {
    static let nodes = Fixture.addressSet([
        Fixture.node("a", internalIP: "10.0.0.1", zone: "z1"),
        Fixture.node("b", internalIP: "10.0.0.2", ready: .false, zone: "z2"),
    ])

    @Test func oneSliceWithEveryNodeAndItsState() throws {
        let slices = desiredEndpointSlices(for: Fixture.local(), nodes: Self.nodes, settings: Fixture.settings)
        let slice = try #require(slices.first)
        #expect(slices.count == 1)
        #expect(slice.metadata.name == "web-barrelman-ipv4-0")
        #expect(slice.metadata.namespace == "shop")
        #expect(
            slice.metadata.labels == [
                "kubernetes.io/service-name": "web", "endpointslice.kubernetes.io/managed-by": "barrelman.tfw.io",
            ])
        #expect(
            slice.metadata.ownerReferences == [
                OwnerReference(
                    apiVersion: "v1", kind: "Service", name: "web", uid: "local-uid-1", controller: true,
                    blockOwnerDeletion: true)
            ])
        #expect(slice.addressType == .ipv4)
        #expect(
            slice.endpoints == [
                Endpoint(
                    addresses: ["10.0.0.1"],
                    conditions: EndpointConditions(ready: true, serving: true, terminating: false),
                    nodeName: "a", zone: "z1"),
                Endpoint(
                    addresses: ["10.0.0.2"],
                    conditions: EndpointConditions(ready: false, serving: false, terminating: false),
                    nodeName: "b", zone: "z2"),
            ])
        #expect(slice.ports == [EndpointSlicePort(name: "http", port: 30080, protocol: "TCP")])
    }

    @Test func noNodesAtAllIsOneEmptyIPv4Slice() {
        let slices = desiredEndpointSlices(for: Fixture.local(), nodes: NodeAddressSet(), settings: Fixture.settings)
        #expect(slices.map(\.metadata.name) == ["web-barrelman-ipv4-0"])
        #expect(slices.map(\.addressType) == [.ipv4])
        #expect(slices.first?.endpoints.isEmpty == true)
        #expect(slices.first?.ports.count == 1)
    }

    @Test func onlyIPv6NodesMeansOnlyIPv6Slices() {
        let nodes = Fixture.addressSet([Fixture.node("a", internalIP: "fd00::1")])
        let slices = desiredEndpointSlices(for: Fixture.local(), nodes: nodes, settings: Fixture.settings)
        #expect(slices.map(\.metadata.name) == ["web-barrelman-ipv6-0"])
        #expect(slices.map(\.addressType) == [.ipv6])
    }

    @Test func unnamedPortHasAnEmptyName() {
        let service = Fixture.local(ports: [ServicePort(port: 80, targetPort: 30080)])
        let slices = desiredEndpointSlices(for: service, nodes: Self.nodes, settings: Fixture.settings)
        #expect(slices.first?.ports == [EndpointSlicePort(name: "", port: 30080, protocol: "TCP")])
    }

    @Test func serviceWithoutUIDGetsNoOwnerReference() {
        let slices = desiredEndpointSlices(for: Fixture.local(uid: nil), nodes: Self.nodes, settings: Fixture.settings)
        #expect(slices.first?.metadata.ownerReferences.isEmpty == true)
    }

    @Test(arguments: [
        ("web", IPAddressFamily.ipv4, 0, "web-barrelman-ipv4-0"),
        ("web", .ipv6, 12, "web-barrelman-ipv6-12"),
        (String(repeating: "a", count: 300), .ipv4, 0, String(repeating: "a", count: 253 - 17) + "-barrelman-ipv4-0"),
        (String(repeating: "a", count: 235) + "-b", .ipv4, 0, String(repeating: "a", count: 235) + "-barrelman-ipv4-0"),
    ])
    func names(service: String, family: IPAddressFamily, index: Int, expected: String) {
        let name = EndpointSliceNaming.name(service: service, family: family, index: index)
        #expect(name == expected)
        #expect(EndpointSliceNaming.isValidDNSSubdomain(name))
    }

    @Test(arguments: ["web", "a.b", "a-b", "0a"])
    func validSubdomains(_ name: String) { #expect(EndpointSliceNaming.isValidDNSSubdomain(name)) }

    @Test(arguments: ["", "-a", "a-", "A", "a..b", "a_b", String(repeating: "a", count: 254)])
    func invalidSubdomains(_ name: String) { #expect(!EndpointSliceNaming.isValidDNSSubdomain(name)) }
}

@Suite struct EndpointSlicePlannerTests {
    static let service = Fixture.local()
    static let nodes = Fixture.addressSet(Fixture.nodes(250))
    static let desired = desiredEndpointSlices(for: service, nodes: nodes, settings: Fixture.settings)

    static func stored(_ slices: [EndpointSlice]) -> [EndpointSlice] {
        slices.enumerated().map { index, slice in
            var copy = slice
            copy.metadata.uid = "slice-uid-\(index)"
            copy.metadata.resourceVersion = "\(100 + index)"
            copy.metadata.labels["other"] = "kept"
            return copy
        }
    }

    static func foreignSlice(_ name: String) -> EndpointSlice {
        EndpointSlice(
            metadata: ObjectMeta(
                name: name, namespace: "shop",
                labels: [
                    "kubernetes.io/service-name": "web",
                    "endpointslice.kubernetes.io/managed-by": "endpointslicemirroring-controller.k8s.io",
                ]))
    }

    @Test func nothingExistingCreatesAll() {
        let plan = planEndpointSlices(desired: Self.desired, existing: [], ownership: Fixture.settings.ownership)
        #expect(plan.create == Self.desired)
        #expect(plan.update.isEmpty && plan.delete.isEmpty)
    }

    @Test func sameStateIsNoWrite() {
        #expect(planEndpointSlices(desired: Self.desired, existing: Self.stored(Self.desired), ownership: Fixture.settings.ownership).isEmpty)
    }

    @Test func onlyTheChangedSliceIsUpdatedKeepingItsMetadata() throws {
        var existing = Self.stored(Self.desired)
        existing[1].endpoints[5].conditions.ready = false
        let plan = planEndpointSlices(desired: Self.desired, existing: existing, ownership: Fixture.settings.ownership)
        #expect(plan.create.isEmpty && plan.delete.isEmpty)
        let updated = try #require(plan.update.first)
        #expect(plan.update.count == 1)
        #expect(updated.metadata.name == "web-barrelman-ipv4-1")
        #expect(updated.metadata.resourceVersion == "101")
        #expect(updated.metadata.labels["other"] == "kept")
        #expect(updated.endpoints == Self.desired[1].endpoints)
    }

    @Test func reorderedPortsAreNoChange() {
        let service = Fixture.local(ports: [
            ServicePort(name: "a", port: 80, targetPort: 30080), ServicePort(name: "b", port: 81, targetPort: 30081),
        ])
        let desired = desiredEndpointSlices(for: service, nodes: Self.nodes, settings: Fixture.settings)
        var existing = Self.stored(desired)
        for index in existing.indices { existing[index].ports.reverse() }
        #expect(planEndpointSlices(desired: desired, existing: existing, ownership: Fixture.settings.ownership).isEmpty)
    }

    @Test func ourSlicesNoLongerWantedAreDeleted() {
        // 250 nodes were 3 slices; 150 are 2.
        let fewer = desiredEndpointSlices(
            for: Self.service, nodes: Fixture.addressSet(Fixture.nodes(150)), settings: Fixture.settings)
        let plan = planEndpointSlices(desired: fewer, existing: Self.stored(Self.desired), ownership: Fixture.settings.ownership)
        #expect(plan.delete.map(\.metadata.name) == ["web-barrelman-ipv4-2"])
        #expect(plan.delete.first?.metadata.uid == "slice-uid-2")
        // Chunks follow node-name order, so the surviving slices may shift content; they are updated, not recreated.
        #expect(Set(plan.update.map(\.metadata.name)).isSubset(of: ["web-barrelman-ipv4-0", "web-barrelman-ipv4-1"]))
        #expect(plan.create.isEmpty)
    }

    @Test func slicesManagedByOthersAreNeverTouched() {
        let plan = planEndpointSlices(
            desired: Self.desired, existing: Self.stored(Self.desired) + [Self.foreignSlice("web-abcde")], ownership: Fixture.settings.ownership)
        #expect(plan.isEmpty)
        let named = planEndpointSlices(desired: Self.desired, existing: [Self.foreignSlice("web-barrelman-ipv4-0")], ownership: Fixture.settings.ownership)
        #expect(
            named.create.count == 3, "a foreign slice is not ours even under our name: creating reports the conflict")
        #expect(named.delete.isEmpty && named.update.isEmpty)
    }

    @Test func changedAddressTypeIsReplaced() {
        var existing = Self.stored(Self.desired)
        existing[0].addressType = .ipv6
        let plan = planEndpointSlices(desired: Self.desired, existing: existing, ownership: Fixture.settings.ownership)
        #expect(plan.delete.map(\.metadata.name) == ["web-barrelman-ipv4-0"])
        #expect(plan.create.map(\.metadata.name) == ["web-barrelman-ipv4-0"])
    }

    @Test func missingOwnerReferenceIsRestored() throws {
        var existing = Self.stored(Self.desired)
        existing[0].metadata.ownerReferences = [
            OwnerReference(apiVersion: "v1", kind: "ConfigMap", name: "x", uid: "other")
        ]
        let plan = planEndpointSlices(desired: Self.desired, existing: existing, ownership: Fixture.settings.ownership)
        let updated = try #require(plan.update.first)
        #expect(updated.metadata.ownerReferences.map(\.uid) == ["other", "local-uid-1"])
    }
}
