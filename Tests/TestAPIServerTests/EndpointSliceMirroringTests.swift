import Testing

@testable import TestAPIServer

/// kube-controller-manager's EndpointSlice mirroring, as the test API server runs it: what a client that writes
/// Endpoints sees on a real cluster.
@Suite("EndpointSlice mirroring", .timeLimit(.minutes(1)))
struct EndpointSliceMirroringTests {
    let client = TestClient()
    let endpointsPath = "/api/v1/namespaces/default/endpoints"
    let servicesPath = "/api/v1/namespaces/default/services"

    static func endpoints(
        _ name: String, ready: [String] = ["10.0.0.1"], notReady: [String] = [], ports: [JSON] = [["name": "http", "port": 30080]],
        labels: [String: String] = [:], annotations: [String: String] = [:]
    ) -> JSON {
        var subset: JSON = ["ports": .array(ports)]
        if !ready.isEmpty { subset["addresses"] = .array(ready.map { ["ip": .string($0), "nodeName": .string("node-\($0)")] }) }
        if !notReady.isEmpty { subset["notReadyAddresses"] = .array(notReady.map { ["ip": .string($0)] }) }
        var object: JSON = [
            "apiVersion": "v1", "kind": "Endpoints",
            "metadata": ["name": .string(name), "namespace": "default"],
            "subsets": [subset],
        ]
        if !labels.isEmpty { object[path: ["metadata", "labels"]] = .object(labels.mapValues(JSON.string)) }
        if !annotations.isEmpty { object[path: ["metadata", "annotations"]] = .object(annotations.mapValues(JSON.string)) }
        return object
    }

    /// The mirrored slices of `name`, once the controller has nothing left to do.
    func mirrored(_ name: String) async -> [JSON] {
        while !client.state.endpointSliceMirroringIsIdle { try? await Task.sleep(for: .milliseconds(2)) }
        return client.state.list("endpointslices", namespace: "default").filter {
            $0.labels["kubernetes.io/service-name"] == name
                && $0.labels["endpointslice.kubernetes.io/managed-by"] == "endpointslicemirroring-controller.k8s.io"
        }
    }

    static func addresses(_ slice: JSON, ready: Bool) -> [String] {
        (slice["endpoints"]?.arrayValue ?? []).filter { $0[path: ["conditions", "ready"]] == .bool(ready) }
            .compactMap { $0["addresses"]?.arrayValue?.first?.stringValue }.sorted()
    }

    @Test func endpointsOfASelectorlessServiceGetOneSliceLabelledOwnedAndNamedAsKubeDoes() async throws {
        try client.state.create(Fixtures.service("bar"))
        let reply = await client.post(
            endpointsPath,
            Self.endpoints(
                "bar", ready: ["10.0.0.1", "10.0.0.2"], notReady: ["10.0.0.3"],
                labels: ["tfw.io/barrelman": "true", "kubernetes.io/service-name": "other"],
                annotations: [
                    "barrelman.tfw.io/remote-cluster": "remote",
                    "endpoints.kubernetes.io/last-change-trigger-time": "2024-01-01T00:00:00Z",
                    "kubectl.kubernetes.io/last-applied-configuration": "{}",
                ]))
        #expect(reply.status == 201)
        let slices = await mirrored("bar")
        try #require(slices.count == 1)
        let slice = slices[0]
        #expect(slice.name.hasPrefix("bar-") && slice.name.count == "bar-".count + 5)
        #expect(slice["addressType"] == "IPv4")
        #expect(
            slice.labels == [
                "tfw.io/barrelman": "true", "kubernetes.io/service-name": "bar",
                "endpointslice.kubernetes.io/managed-by": "endpointslicemirroring-controller.k8s.io",
            ])
        #expect(slice[path: ["metadata", "annotations"]] == ["barrelman.tfw.io/remote-cluster": "remote"])
        #expect(
            slice[path: ["metadata", "ownerReferences"]] == [
                [
                    "apiVersion": "v1", "kind": "Endpoints", "name": "bar", "uid": .string(reply.json.uid),
                    "controller": true, "blockOwnerDeletion": true,
                ]
            ])
        #expect(Self.addresses(slice, ready: true) == ["10.0.0.1", "10.0.0.2"])
        #expect(Self.addresses(slice, ready: false) == ["10.0.0.3"])
        #expect(slice["ports"] == [["name": "http", "port": 30080, "protocol": "TCP"]], "the protocol kube defaulted")
        let first = slice["endpoints"]?.arrayValue?.first { $0["addresses"] == ["10.0.0.1"] }
        #expect(first == ["addresses": ["10.0.0.1"], "conditions": ["ready": true], "nodeName": "node-10.0.0.1"])
    }

    @Test func skipMirrorLeaderElectionASelectorOrNoServiceMeanNoMirror() async throws {
        try client.state.create(Self.endpoints("orphan"))
        try client.state.create(Fixtures.service("skipped"))
        try client.state.create(Self.endpoints("skipped", labels: ["endpointslice.kubernetes.io/skip-mirror": "true"]))
        try client.state.create(Fixtures.service("leader"))
        try client.state.create(Self.endpoints("leader", annotations: ["control-plane.alpha.kubernetes.io/leader": "{}"]))
        var selected = Fixtures.service("selected")
        selected[path: ["spec", "selector"]] = ["app": "x"]
        try client.state.create(selected)
        try client.state.create(Self.endpoints("selected"))
        for name in ["orphan", "skipped", "leader", "selected"] {
            #expect(await mirrored(name).isEmpty, "\(name)")
        }
        #expect(client.state.list("endpointslices", namespace: "default").isEmpty)
    }

    @Test func aServiceThatAppearsLaterGetsItsSlices() async throws {
        try client.state.create(Self.endpoints("late"))
        #expect(await mirrored("late").isEmpty)
        try client.state.create(Fixtures.service("late"))
        #expect(await mirrored("late").count == 1)
    }

    @Test func skipMirrorAddedLaterDeletesTheSlicesAndRemovedAgainRestoresThem() async throws {
        try client.state.create(Fixtures.service("bar"))
        var endpoints = try client.state.create(Self.endpoints("bar"))
        #expect(await mirrored("bar").count == 1)
        endpoints[path: ["metadata", "labels"]] = ["endpointslice.kubernetes.io/skip-mirror": "true"]
        endpoints = try client.state.update(endpoints)
        #expect(await mirrored("bar").isEmpty)
        endpoints[path: ["metadata", "labels"]] = ["endpointslice.kubernetes.io/skip-mirror": "false"]
        try client.state.update(endpoints)
        #expect(await mirrored("bar").count == 1, "only \"true\" skips")
    }

    @Test func updatesRewriteTheSameSliceAndAPortChangeRecyclesIt() async throws {
        try client.state.create(Fixtures.service("bar"))
        var endpoints = try client.state.create(Self.endpoints("bar", ready: ["10.0.0.1"]))
        let name = try #require(await mirrored("bar").first?.name)
        endpoints["subsets"] = [["addresses": [["ip": "10.0.0.2"]], "ports": [["name": "http", "port": 30080]]]]
        endpoints = try client.state.update(endpoints)
        var slices = await mirrored("bar")
        #expect(slices.map(\.name) == [name])
        #expect(slices.first.map { Self.addresses($0, ready: true) } == ["10.0.0.2"])

        endpoints["subsets"] = [["addresses": [["ip": "10.0.0.2"]], "ports": [["name": "http", "port": 30081]]]]
        try client.state.update(endpoints)
        slices = await mirrored("bar")
        #expect(slices.map(\.name) == [name], "kube updates the slice it would delete instead of creating one")
        #expect(slices.first?["ports"] == [["name": "http", "port": 30081, "protocol": "TCP"]])
    }

    @Test func nothingChangedMeansNoWrite() async throws {
        try client.state.create(Fixtures.service("bar"))
        var endpoints = try client.state.create(Self.endpoints("bar", ready: ["10.0.0.1", "10.0.0.2"]))
        _ = await mirrored("bar")
        let version = client.state.resourceVersion
        // Reordered addresses and a new trigger-time annotation change the Endpoints, not their mirror.
        endpoints["subsets"] = [
            [
                "addresses": [["ip": "10.0.0.2", "nodeName": "node-10.0.0.2"], ["ip": "10.0.0.1", "nodeName": "node-10.0.0.1"]],
                "ports": [["name": "http", "port": 30080]],
            ]
        ]
        endpoints[path: ["metadata", "annotations"]] = ["endpoints.kubernetes.io/last-change-trigger-time": "now"]
        try client.state.update(endpoints)
        _ = await mirrored("bar")
        #expect(client.state.resourceVersion == version + 1, "only the Endpoints write")
    }

    @Test(arguments: ["endpoints", "services"])
    func deletingTheEndpointsOrTheServiceDeletesTheSlices(deleted: String) async throws {
        try client.state.create(Fixtures.service("bar"))
        try client.state.create(Self.endpoints("bar"))
        #expect(await mirrored("bar").count == 1)
        try client.state.delete(deleted, namespace: "default", name: "bar")
        #expect(await mirrored("bar").isEmpty)
    }

    @Test func aSliceDeletedOrChangedByAnyoneElseIsRestored() async throws {
        try client.state.create(Fixtures.service("bar"))
        try client.state.create(Self.endpoints("bar"))
        var slice = try #require(await mirrored("bar").first)
        slice["endpoints"] = [["addresses": ["10.9.9.9"]]]
        try client.state.update(slice)
        #expect(await mirrored("bar").first.map { Self.addresses($0, ready: true) } == ["10.0.0.1"])
        try client.state.delete("endpointslices", namespace: "default", name: slice.name)
        #expect(await mirrored("bar").first.map { Self.addresses($0, ready: true) } == ["10.0.0.1"])
    }

    @Test func eachFamilyGetsASliceAndASubsetIsCutAtAThousandAddresses() async throws {
        try client.state.create(Fixtures.service("dual"))
        try client.state.create(Self.endpoints("dual", ready: ["10.0.0.1", "fd00::1", "::ffff:10.0.0.2"]))
        let byType = Dictionary(grouping: await mirrored("dual")) { $0["addressType"]?.stringValue ?? "" }
        #expect(byType["IPv4"]?.first.map { Self.addresses($0, ready: true) } == ["10.0.0.1", "10.0.0.2"])
        #expect(byType["IPv6"]?.first.map { Self.addresses($0, ready: true) } == ["fd00::1"])

        try client.state.create(Fixtures.service("big"))
        let many = (0..<1001).map { "10.1.\($0 / 250).\($0 % 250 + 1)" }
        try client.state.create(Self.endpoints("big", ready: many))
        let slices = await mirrored("big")
        #expect(slices.count == 1)
        #expect(slices.first?["endpoints"]?.arrayValue?.count == 1000)
    }

    @Test func mirroringOffMirrorsNothing() async throws {
        var configuration = StoreConfiguration()
        configuration.endpointSliceMirroring = false
        let client = TestClient(configuration: configuration)
        try client.state.create(Fixtures.service("bar"))
        try client.state.create(Self.endpoints("bar"))
        #expect(client.state.list("endpointslices", namespace: "default").isEmpty)
    }

    @Test func mirrorWritesTakeTheirPlaceOnTheWriteTimeline() async throws {
        // With the cost model on, the mirror is written a create's cost after the Endpoints, not at once.
        try client.state.create(Fixtures.service("bar"))
        let before = ContinuousClock.now
        try client.state.create(Self.endpoints("bar"))
        #expect(await mirrored("bar").count == 1)
        let committed = try #require(client.state.lastCommitted("endpointslices"))
        #expect(committed - before >= WriteCostModel.kubeAPIServer.createCost)
    }

    // MARK: the decision alone

    @Test(arguments: ["no endpoints", "skip-mirror", "selector", "no service"])
    func everyReasonNotToMirrorDeletesWhatWasMirrored(reason: String) {
        var endpoints: JSON? = Self.endpoints("bar")
        var service: JSON? = Fixtures.service("bar")
        switch reason {
        case "no endpoints": endpoints = nil
        case "skip-mirror": endpoints?[path: ["metadata", "labels"]] = ["endpointslice.kubernetes.io/skip-mirror": "true"]
        case "selector": service?[path: ["spec", "selector"]] = ["app": "x"]
        default: service = nil
        }
        let existing: [JSON] = [["metadata": ["name": "bar-b"]], ["metadata": ["name": "bar-a"]]]
        let plan = EndpointSliceMirroring.plan(endpoints: endpoints, service: service, existing: existing)
        #expect(plan == EndpointSliceMirroring.Plan(delete: ["bar-a", "bar-b"]))
    }

    @Test func duplicateSlicesForOneGroupKeepTheFirstAndGoAway() throws {
        var endpoints = Self.endpoints("bar")
        endpoints[path: ["metadata", "uid"]] = "u1"
        let wanted = try #require(
            EndpointSliceMirroring.plan(endpoints: endpoints, service: Fixtures.service("bar"), existing: []).create.first)
        var first = wanted
        first[path: ["metadata", "generateName"]] = nil
        first[path: ["metadata", "name"]] = "bar-a"
        var second = first
        second[path: ["metadata", "name"]] = "bar-b"
        let plan = EndpointSliceMirroring.plan(endpoints: endpoints, service: Fixtures.service("bar"), existing: [second, first])
        #expect(plan == EndpointSliceMirroring.Plan(delete: ["bar-b"]))
    }

    @Test func anEndpointsBeingDeletedGetsNoNewSlice() {
        var endpoints = Self.endpoints("bar")
        endpoints[path: ["metadata", "deletionTimestamp"]] = "2024-01-01T00:00:00Z"
        #expect(EndpointSliceMirroring.plan(endpoints: endpoints, service: Fixtures.service("bar"), existing: []).isEmpty)
    }

    @Test func invalidAddressesAreSkipped() {
        let groups = EndpointSliceMirroring.desiredGroups(Self.endpoints("bar", ready: ["10.0.0.1", "not-an-ip"]))
        #expect(groups.map { $0.endpoints.count } == [1])
    }
}
