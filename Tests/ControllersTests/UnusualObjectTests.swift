import Controllers
import Foundation
import KubeAPI
import TestAPIServer
import TestSupport
import Testing

/// Remote and local objects that are valid in Kubernetes but unusual, each with the outcome barrelman defines
/// for it. Tests that change remote nodes run in-process; the others also run against real clusters.
@Suite(.timeLimit(.minutes(2))) struct UnusualObjectTests {
    // MARK: helpers

    /// `count` ports named p0, p1, ... on ports 1000, 1001, ..., with `targetPort` (a number unless given).
    static func ports(_ count: Int, targetPort: (Int) -> IntOrString = { .int(8000 + $0) }) -> [ServicePort] {
        (0..<count).map { ServicePort(name: "p\($0)", port: Int32(1000 + $0), targetPort: targetPort($0)) }
    }

    /// Sets a remote node's addresses (in-process only), keeping its readiness.
    static func setNodeAddresses(_ clusters: TwoClusters, _ name: String, _ addresses: [NodeAddress]) async throws {
        var node = try await clusters.remote.get(Node.self, name: name)
        node.status.addresses = addresses + [NodeAddress(type: "Hostname", address: name)]
        _ = try await clusters.remote.update(node, subresource: "status")
    }

    static func internalIPs(_ ips: String...) -> [NodeAddress] { ips.map { NodeAddress(type: "InternalIP", address: $0) } }

    static func events(_ clusters: TwoClusters, reason: String) async throws -> [Event] {
        try await clusters.local.list(Event.self, namespace: clusters.namespace).items.filter { $0.reason == reason }
    }

    /// The slices' ready addresses by addressType.
    static func readyByFamily(_ clusters: TwoClusters, _ service: String) async throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        for slice in try await EndToEndTests.localSlices(clusters, service) {
            let ready = slice.endpoints.filter { $0.conditions.ready == true }.flatMap(\.addresses)
            result[slice.addressType.rawValue, default: []] += ready
        }
        return result.mapValues { $0.sorted() }
    }

    // MARK: ports

    @Test func aServiceWith100PortsIsMirroredWhole() async throws {
        try await TwoClusters.with { clusters in
            let remote = try await clusters.createRemoteService("wide", ports: Self.ports(100))
            let nodePorts = Set(remote.spec.ports.compactMap(\.nodePort))
            #expect(nodePorts.count == 100)
            try await EndToEndTests.withBarrelman(clusters) {
                try await expectEventually { await EndToEndTests.localService(clusters, "wide")?.spec.ports.count == 100 }
                let local = try #require(await EndToEndTests.localService(clusters, "wide"))
                #expect(Set(local.spec.ports.compactMap { if case .int(let port) = $0.targetPort { Int32(port) } else { nil } }) == nodePorts)
                try await expectEventually {
                    let slices = try await EndToEndTests.localSlices(clusters, "wide")
                    return !slices.isEmpty && slices.allSatisfy { Set($0.ports.compactMap(\.port)) == nodePorts }
                }
                #expect(try await Self.events(clusters, reason: "TooManyPorts").isEmpty)
            }
        }
    }

    @Test func aServiceWith101PortsKeepsAllOnTheMirrorAndTheFirst100InItsSlicesWithAWarning() async throws {
        try await TwoClusters.with { clusters in
            let remote = try await clusters.createRemoteService("wider", ports: Self.ports(101))
            let first100 = Set(remote.spec.ports.prefix(100).compactMap(\.nodePort))
            try await EndToEndTests.withBarrelman(clusters) {
                try await expectEventually { await EndToEndTests.localService(clusters, "wider")?.spec.ports.count == 101 }
                try await expectEventually {
                    let slices = try await EndToEndTests.localSlices(clusters, "wider")
                    return !slices.isEmpty && slices.allSatisfy { Set($0.ports.compactMap(\.port)) == first100 }
                }
                try await expectEventually("a Warning Event names the ports left out") {
                    try await Self.events(clusters, reason: "TooManyPorts").contains {
                        $0.type == "Warning" && ($0.message ?? "").contains("p100")
                    }
                }
            }
        }
    }

    @Test func namedTargetPortsDoNotMatterBecauseTheMirrorTargetsTheNodePorts() async throws {
        try await TwoClusters.with { clusters in
            let remote = try await clusters.createRemoteService(
                "named", ports: Self.ports(2) { .string(["http", "metrics"][$0]) })
            let nodePorts = remote.spec.ports.compactMap(\.nodePort)
            try await EndToEndTests.withBarrelman(clusters) {
                try await expectEventually { try await EndToEndTests.endpointsOf(clusters, "named").ports == nodePorts.sorted() }
                let local = try #require(await EndToEndTests.localService(clusters, "named"))
                #expect(local.spec.ports.map(\.targetPort) == nodePorts.map { .int(Int($0)) })
                #expect(try await Self.events(clusters, reason: "UnresolvablePort").isEmpty)
            }
        }
    }

    @Test func aLoadBalancerWithoutNodePortsIsNotMirroredAndOneWithSomeMirrorsOnlyThose() async throws {
        try await TwoClusters.with { clusters in
            let none = ServiceSpec(
                type: .loadBalancer, ports: [ServicePort(name: "http", port: 80)], selector: ["app": "none"],
                allocateLoadBalancerNodePorts: false)
            let created = try await clusters.remote.create(
                Service(metadata: ObjectMeta(name: "no-node-ports", namespace: clusters.namespace), spec: none))
            #expect(created.spec.ports.allSatisfy { ($0.nodePort ?? 0) == 0 }, "Kubernetes allocated no node port")

            // A node port asked for explicitly is still allocated.
            let requested = Int32.random(in: 30100...32700)
            let some = ServiceSpec(
                type: .loadBalancer,
                ports: [ServicePort(name: "http", port: 80, nodePort: requested), ServicePort(name: "admin", port: 9000)],
                selector: ["app": "some"], allocateLoadBalancerNodePorts: false)
            _ = try await clusters.remote.create(
                Service(metadata: ObjectMeta(name: "some-node-ports", namespace: clusters.namespace), spec: some))
            try await clusters.createRemoteService("marker")

            try await EndToEndTests.withBarrelman(clusters) {
                try await expectEventually { await EndToEndTests.localService(clusters, "marker") != nil }
                try await expectEventually { await EndToEndTests.localService(clusters, "some-node-ports") != nil }
                #expect(await EndToEndTests.localService(clusters, "no-node-ports") == nil, "nothing to reach it by")
                let partial = try #require(await EndToEndTests.localService(clusters, "some-node-ports"))
                #expect(partial.spec.ports.map(\.name) == ["http"])
                #expect(partial.spec.ports.map(\.targetPort) == [.int(Int(requested))])
                try await expectEventually { try await EndToEndTests.endpointsOf(clusters, "some-node-ports").ports == [requested] }
            }
        }
    }

    // MARK: names

    @Test func namesAtTheLimitsAreMirroredWithValidSliceAndEventNames() async throws {
        try await TwoClusters.with { clusters in
            let namespace = clusters.namespace + "-" + String(repeating: "n", count: 62 - clusters.namespace.count)
            let name = "s" + String(repeating: "x", count: 61) + "9"
            #expect(namespace.count == 63 && name.count == 63)
            _ = try await clusters.remote.create(Namespace(metadata: ObjectMeta(name: namespace)))
            do {
                _ = try await clusters.remote.create(
                    Service(
                        metadata: ObjectMeta(name: name, namespace: namespace),
                        spec: ServiceSpec(type: .nodePort, ports: [ServicePort(name: "http", port: 80)], selector: ["app": "x"])))
                let settings = ControllerSettings(allowedNamespaces: [namespace], remoteClusterName: "remote")
                try await FaultTests.withBarrelman(local: clusters.local, remote: clusters.remote, settings: settings) {
                    // The remote's ready nodes, if it has any (a real remote may have none; then the slice is empty).
                    let expected = try await EndToEndTests.expectedAddresses(clusters).ready
                    try await expectEventually {
                        let slices = (try? await clusters.local.list(EndpointSlice.self, namespace: namespace).items) ?? []
                        let ready = slices.flatMap(\.endpoints).filter { $0.conditions.ready == true }.flatMap(\.addresses)
                        return !slices.isEmpty && ready.sorted() == expected
                    }
                    let slices = try await clusters.local.list(EndpointSlice.self, namespace: namespace).items
                    for slice in slices {
                        #expect(slice.metadata.name.count <= EndpointSliceNaming.maxNameLength)
                        #expect(EndpointSliceNaming.isValidDNSSubdomain(slice.metadata.name))
                        #expect(slice.metadata.labels["kubernetes.io/service-name"] == name)
                    }
                    var remote = try await clusters.remote.get(Service.self, name: name, namespace: namespace)
                    remote.spec.ports[0].port = 81
                    _ = try await clusters.remote.update(remote)
                    try await expectEventually("the PortsChanged event, named after the service, was accepted") {
                        let events = try? await clusters.local.list(Event.self, namespace: namespace).items
                        return events?.contains { $0.reason == "PortsChanged" } == true
                    }
                }
            } catch {
                await Self.deleteNamespace(namespace, clusters)
                throw error
            }
            await Self.deleteNamespace(namespace, clusters)
        }
    }

    static func deleteNamespace(_ namespace: String, _ clusters: TwoClusters) async {
        try? await clusters.remote.delete(Namespace.self, name: namespace)
        try? await clusters.local.delete(Namespace.self, name: namespace)
    }

    // MARK: a local namespace being deleted

    @Test func aLocalNamespaceBeingDeletedIsWaitedForQuietlyAndMirroredIntoAgainOnceGone() async throws {
        try await TwoClusters.with { clusters in
            let capture = LogCapture()
            try await clusters.createRemoteService("a")
            try await FaultTests.withBarrelman(
                local: clusters.local, remote: clusters.remote, settings: FaultTests.settings(clusters),
                logger: capture.logger("barrelman")
            ) {
                try await expectEventually { try await !EndToEndTests.localSlices(clusters, "a").isEmpty }

                // A finalizer holds the namespace in Terminating after its content is gone, as slow controllers do.
                let hold = "barrelman.tfw.io/test-hold"
                var namespace = try await clusters.local.get(Namespace.self, name: clusters.namespace)
                namespace.metadata.finalizers.append(hold)
                _ = try await clusters.local.update(namespace)
                try await clusters.local.delete(Namespace.self, name: clusters.namespace)
                try await expectEventually { await EndToEndTests.localService(clusters, "a") == nil }
                clusters.localServer?.state.faults.resetCounts()

                try await Task.sleep(for: .seconds(4))
                if let local = clusters.localServer {
                    let creates = local.state.faults.requestCount(verb: "create", resource: "services")
                    #expect(creates <= 2, "no hot loop while the namespace terminates: \(creates) creates in 4 s")
                }
                let said = capture.all.filter { $0.contains("is being deleted locally") }
                #expect(said.count == 1, "one clear line: \(said)")
                #expect(!capture.all.contains { $0.contains("Add failed") }, "waiting is not a failure")

                namespace = try await clusters.local.get(Namespace.self, name: clusters.namespace)
                namespace.metadata.finalizers.removeAll { $0 == hold }
                _ = try await clusters.local.update(namespace)
                try await expectEventually("the namespace is created again, then the mirror and its endpoints") {
                    try await !EndToEndTests.localSlices(clusters, "a").isEmpty
                }
                let recreated = try await clusters.local.get(Namespace.self, name: clusters.namespace)
                #expect(recreated.metadata.deletionTimestamp == nil)
            }
        }
    }
}

/// Remote node addresses that are unusual: these change nodes, so they run in-process only.
@Suite(.timeLimit(.minutes(2))) struct UnusualNodeTests {
    @Test func ipv6OnlyNodesGetIPv6SlicesAndAWarningWhenTheServiceIsIPv4() async throws {
        try await TwoClusters.with(inProcessOnly: true) { clusters in
            for (node, ip) in [("node-a", "fd00::1"), ("node-b", "fd00::2"), ("node-c", "fd00::3")] {
                try await UnusualObjectTests.setNodeAddresses(clusters, node, UnusualObjectTests.internalIPs(ip))
            }
            try await clusters.createRemoteService("bar")
            try await EndToEndTests.withBarrelman(clusters) {
                try await expectEventually {
                    try await UnusualObjectTests.readyByFamily(clusters, "bar") == ["IPv6": ["fd00::1", "fd00::2"]]
                }
                let local = try #require(await EndToEndTests.localService(clusters, "bar"))
                #expect(local.spec.ipFamilies == ["IPv4"])
                try await expectEventually("the mismatch is explained where `kubectl describe` shows it") {
                    try await UnusualObjectTests.events(clusters, reason: "NoRemoteAddressesInServiceFamily").contains {
                        $0.type == "Warning" && ($0.message ?? "").contains("IPv6 only")
                    }
                }
            }
        }
    }

    @Test func dualStackNodesGetOneSliceFamilyEachAndNoWarning() async throws {
        try await TwoClusters.with(inProcessOnly: true) { clusters in
            try await UnusualObjectTests.setNodeAddresses(
                clusters, "node-a", UnusualObjectTests.internalIPs("10.0.0.1", "fd00::1", "fd00::99"))
            try await UnusualObjectTests.setNodeAddresses(clusters, "node-b", UnusualObjectTests.internalIPs("fd00::2", "10.0.0.2"))
            try await clusters.createRemoteService("bar")
            try await EndToEndTests.withBarrelman(clusters) {
                try await expectEventually {
                    try await UnusualObjectTests.readyByFamily(clusters, "bar")
                        == ["IPv4": ["10.0.0.1", "10.0.0.2"], "IPv6": ["fd00::1", "fd00::2"]]
                }
                try await Task.sleep(for: .milliseconds(300))
                #expect(try await UnusualObjectTests.events(clusters, reason: "NoRemoteAddressesInServiceFamily").isEmpty)
            }
        }
    }

    @Test func nodesWithoutAUsableInternalIPAreLeftOutAndTheNoReadyNodesWarningCountsOnlyTheRest() async throws {
        try await TwoClusters.with(inProcessOnly: true) { clusters in
            // node-b has only an ExternalIP; node-c's InternalIP is loopback, which a slice may not carry.
            try await UnusualObjectTests.setNodeAddresses(clusters, "node-b", [NodeAddress(type: "ExternalIP", address: "203.0.113.2")])
            try await UnusualObjectTests.setNodeAddresses(clusters, "node-c", UnusualObjectTests.internalIPs("127.0.0.1"))
            try await clusters.createRemoteService("bar")
            try await EndToEndTests.withBarrelman(clusters) {
                try await expectEventually {
                    let endpoints = try await EndToEndTests.endpointsOf(clusters, "bar")
                    return endpoints.ready == ["10.0.0.1"] && endpoints.notReady.isEmpty
                }
                #expect(try await UnusualObjectTests.events(clusters, reason: noReadyRemoteNodesReason).isEmpty)

                // The last node with an InternalIP loses it: no endpoints, and the warning says why.
                try await UnusualObjectTests.setNodeAddresses(clusters, "node-a", [NodeAddress(type: "ExternalIP", address: "203.0.113.1")])
                try await expectEventually {
                    let slices = try await EndToEndTests.localSlices(clusters, "bar")
                    return slices.count == 1 && slices[0].endpoints.isEmpty
                }
                try await expectEventually {
                    try await UnusualObjectTests.events(clusters, reason: noReadyRemoteNodesReason).contains {
                        ($0.message ?? "").contains("has an InternalIP address")
                    }
                }
            }
        }
    }
}

/// The pure decisions behind the outcomes above.
@Suite struct UnusualObjectPlanningTests {
    @Test func addressesASliceMayNotCarryAreNotEndpointAddresses() {
        for address in ["127.0.0.1", "0.0.0.0", "169.254.1.1", "224.0.0.5", "::1", "::", "fe80::1", "ff02::1", "::ffff:10.0.0.1"] {
            #expect(IPAddressFamily(endpointAddress: address) == nil, "\(address)")
        }
        #expect(IPAddressFamily(endpointAddress: "10.0.0.1") == .ipv4)
        #expect(IPAddressFamily(endpointAddress: "fd00::1") == .ipv6)
        #expect(IPAddressFamily(endpointAddress: "2001:db8::1") == .ipv6)
    }

    @Test func endpointSlicesCarryAtMost100PortsAndTheRestIsNamed() throws {
        let service = Service(
            metadata: ObjectMeta(name: "wide", namespace: "ns", uid: "u"),
            spec: ServiceSpec(ports: UnusualObjectTests.ports(102)))
        let nodes = NodeAddressSet(ipv4: [NodeAddressEntry(nodeName: "a", address: "10.0.0.1", ready: true)])
        let slices = desiredEndpointSlices(for: service, nodes: nodes, settings: ControllerSettings())
        #expect(slices.map(\.ports.count) == [100])
        let warning = try #require(endpointSlicePortLimitWarning(for: service))
        #expect(warning.contains("p100, p101") && warning.contains("at most 100"))
        var narrow = service
        narrow.spec.ports = UnusualObjectTests.ports(100)
        #expect(endpointSlicePortLimitWarning(for: narrow) == nil)
    }

    @Test func aMissingPermissionSaysWhichVerbOnWhichResource() {
        let error = LocalWriteError.forbidden(
            verb: "create", resource: "endpointslices.discovery.k8s.io", namespace: "ns",
            status: Status(message: "endpointslices.discovery.k8s.io \"x\" is forbidden: User \"b\" cannot create", code: 403))
        #expect(error.description.hasPrefix("forbidden: needs create on endpointslices.discovery.k8s.io in namespace ns"))
    }
}
