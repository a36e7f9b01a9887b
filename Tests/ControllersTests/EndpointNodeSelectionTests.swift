import Controllers
import KubeAPI
import Testing

/// Which remote nodes are a service's endpoints: the upstream (1.26+) load-balancer node rules, the
/// `exclude-from-external-load-balancers` fallback for single-node clusters, and `externalTrafficPolicy: Local`.
@Suite struct EndpointNodeSelectionTests {
    static func names(_ selection: EndpointNodeSelection) -> [String] { selection.nodes.all.map(\.nodeName) }

    @Test func cordonedNodesStayEndpoints() {
        let nodes = [Fixture.node("a", internalIP: "10.0.0.1", unschedulable: true), Fixture.node("b", internalIP: "10.0.0.2")]
        #expect(Self.names(EndpointNodeSelection(candidates: Fixture.addressSet(nodes))) == ["a", "b"])
    }

    @Test func excludedNodesAreLeftOutWhileAnotherNodeIsReady() {
        let nodes = [Fixture.node("cp", internalIP: "10.0.0.1", excluded: true), Fixture.node("w", internalIP: "10.0.0.2")]
        let selection = EndpointNodeSelection(candidates: Fixture.addressSet(nodes))
        #expect(Self.names(selection) == ["w"])
        #expect(!selection.usedExcludedNodes)
        #expect(excludedNodesWarning(for: Fixture.local(), selection: selection) == nil)
    }

    @Test func aSingleNodeKindClusterUsesItsControlPlaneAndSaysSo() throws {
        let nodes = [Fixture.node("kind-control-plane", internalIP: "172.18.0.2", excluded: true)]
        let selection = EndpointNodeSelection(candidates: Fixture.addressSet(nodes))
        #expect(Self.names(selection) == ["kind-control-plane"])
        #expect(selection.usedExcludedNodes)
        let warning = try #require(excludedNodesWarning(for: Fixture.local(), selection: selection))
        #expect(warning.reason == "UsingExcludedRemoteNodes")
        #expect(warning.message.contains("kind-control-plane"))
    }

    @Test func theFallbackTakesOnlyReadyExcludedNodes() {
        let nodes = [
            Fixture.node("cp-1", internalIP: "10.0.0.1", excluded: true),
            Fixture.node("cp-2", internalIP: "10.0.0.2", ready: .false, excluded: true),
            Fixture.node("w", internalIP: "10.0.0.3", ready: .false),
        ]
        let selection = EndpointNodeSelection(candidates: Fixture.addressSet(nodes))
        #expect(Self.names(selection) == ["cp-1", "w"])
        #expect(selection.nodes.readyCount == 1)
    }

    @Test func localTrafficPolicyKeepsOnlyTheNodesRunningReadyPods() {
        let nodes = (1...3).map { Fixture.node("n\($0)", internalIP: "10.0.0.\($0)") }
        let hosting = nodesHostingEndpoints([
            EndpointSliceSummary(readyNodes: ["n2"]), EndpointSliceSummary(servingTerminatingNodes: ["n3"]),
        ])
        #expect(hosting == ["n2"])
        let local = EndpointNodeSelection(candidates: Fixture.addressSet(nodes), hosting: hosting)
        #expect(Self.names(local) == ["n2"])
        #expect(Self.names(EndpointNodeSelection(candidates: Fixture.addressSet(nodes))) == ["n1", "n2", "n3"])
    }

    @Test func withNoReadyPodServingTerminatingOnesAreUsedAsKubeProxyDoes() {
        #expect(nodesHostingEndpoints([EndpointSliceSummary(servingTerminatingNodes: ["n3"])]) == ["n3"])
    }

    @Test func localTrafficPolicyWithoutPodsHasNoEndpointsAndWarns() throws {
        let nodes = [Fixture.node("n1", internalIP: "10.0.0.1")]
        let selection = EndpointNodeSelection(candidates: Fixture.addressSet(nodes), hosting: [])
        #expect(selection.nodes.isEmpty)
        let warning = try #require(noLocalEndpointsWarning(for: Fixture.local(), selection: selection))
        #expect(warning.reason == "NoRemoteNodeWithLocalEndpoints")
    }

    @Test func remoteSliceSummaryKeepsNodesByStateAndNothingElse() throws {
        let json = #"""
            {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","addressType":"IPv4",
             "metadata":{"name":"web-abc","namespace":"shop","labels":{"kubernetes.io/service-name":"web","other":"x"}},
             "endpoints":[
               {"addresses":["10.1.0.1"],"nodeName":"n1","conditions":{"ready":true}},
               {"addresses":["10.1.0.2"],"nodeName":"n1"},
               {"addresses":["10.1.0.3"],"nodeName":"n2","conditions":{"ready":false,"serving":true,"terminating":true}},
               {"addresses":["10.1.0.4"],"nodeName":"n3","conditions":{"ready":false}},
               {"addresses":["10.1.0.5"]}],
             "ports":[{"port":8080}]}
            """#
        let summary = try JSONDocument.decode(EndpointSliceSummary.self, from: json)
        #expect(summary.serviceName == "web")
        #expect(summary.metadata.labels.count == 1)
        #expect(summary.readyNodes == ["n1"])
        #expect(summary.servingTerminatingNodes == ["n2"])
    }

    @Test func nodeSummaryReadsTheClusterAutoscalerTaint() throws {
        let json = #"""
            {"metadata":{"name":"n1"},"spec":{"taints":[{"key":"ToBeDeletedByClusterAutoscaler","value":"1","effect":"NoSchedule"}]},
             "status":{"conditions":[{"type":"Ready","status":"True"}]}}
            """#
        #expect(try JSONDocument.decode(NodeSummary.self, from: json).toBeDeletedByClusterAutoscaler)
    }
}

/// Endpoints (core/v1) carry one address family, the service's primary one, as the endpoints controller writes them.
@Suite struct EndpointsFamilyTests {
    static let dualStack = [
        Fixture.node("a", internalIP: "10.0.0.1", extraAddresses: [NodeAddress(type: "InternalIP", address: "fd00::1")])
    ]

    @Test(arguments: [(["IPv4"], "10.0.0.1"), (["IPv6"], "fd00::1"), (["IPv6", "IPv4"], "fd00::1"), ([], "10.0.0.1")])
    func endpointsHoldOnlyThePrimaryFamily(families: [String], address: String) {
        var service = Fixture.local()
        service.spec.ipFamilies = families
        if families.first == "IPv6" { service.spec.clusterIP = "fd00:96::8" }
        let endpoints = desiredEndpoints(
            for: service, nodes: Fixture.addressSet(Self.dualStack), settings: Fixture.settings
        ).endpoints
        #expect(endpoints.subsets.flatMap(\.addresses).map(\.ip) == [address])
    }
}
