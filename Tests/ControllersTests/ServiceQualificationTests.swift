import Controllers
import KubeAPI
import Testing

@Suite struct RemoteServiceQualificationTests {
    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var remote: Service
        var settings: ControllerSettings = Fixture.settings
        var qualifies: Bool
    }

    static let cases: [Case] = [
        Case(description: "NodePort qualifies", remote: Fixture.remote(), qualifies: true),
        Case(
            description: "LoadBalancer qualifies by default", remote: Fixture.remote(type: .loadBalancer),
            qualifies: true),
        Case(
            description: "LoadBalancer does not when disabled", remote: Fixture.remote(type: .loadBalancer),
            settings: Fixture.with { $0.mirrorLoadBalancer = false }, qualifies: false),
        Case(
            description: "ClusterIP does not",
            remote: Fixture.remote(type: .clusterIP, ports: [ServicePort(name: "http", port: 80)]), qualifies: false),
        Case(description: "ExternalName does not", remote: Fixture.remote(type: .externalName), qualifies: false),
        Case(description: "kube-system is ignored", remote: Fixture.remote(namespace: "kube-system"), qualifies: false),
        Case(
            description: "kube-system when un-ignored", remote: Fixture.remote(namespace: "kube-system"),
            settings: Fixture.with { $0.ignoredNamespaces = [] }, qualifies: true),
        Case(
            description: "namespace outside the allow list", remote: Fixture.remote(namespace: "blog"),
            settings: Fixture.with { $0.allowedNamespaces = ["shop"] }, qualifies: false),
        Case(
            description: "namespace in the allow list", remote: Fixture.remote(namespace: "shop"),
            settings: Fixture.with { $0.allowedNamespaces = ["shop"] }, qualifies: true),
        Case(
            description: "annotated ignore", remote: Fixture.remote(annotations: ["tfw.io/barrelman": "ignore"]),
            qualifies: false),
        Case(
            description: "annotated something else", remote: Fixture.remote(annotations: ["tfw.io/barrelman": "true"]),
            qualifies: true),
        Case(
            description: "unexported, exports not required", remote: Fixture.remote(), qualifies: true),
        Case(
            description: "unexported, exports required", remote: Fixture.remote(),
            settings: Fixture.with { $0.requireExport = true }, qualifies: false),
        Case(
            description: "exported, exports required",
            remote: Fixture.remote(annotations: ["barrelman.tfw.io/export": "true"]),
            settings: Fixture.with { $0.requireExport = true }, qualifies: true),
        Case(
            description: "export annotation not exactly true, exports required",
            remote: Fixture.remote(annotations: ["barrelman.tfw.io/export": "True"]),
            settings: Fixture.with { $0.requireExport = true }, qualifies: false),
        Case(
            description: "export false, exports required",
            remote: Fixture.remote(annotations: ["barrelman.tfw.io/export": "false"]),
            settings: Fixture.with { $0.requireExport = true }, qualifies: false),
        Case(
            description: "export false, exports not required",
            remote: Fixture.remote(annotations: ["barrelman.tfw.io/export": "false"]), qualifies: true),
        Case(
            description: "exported but annotated ignore",
            remote: Fixture.remote(annotations: ["barrelman.tfw.io/export": "true", "tfw.io/barrelman": "ignore"]),
            settings: Fixture.with { $0.requireExport = true }, qualifies: false),
        Case(
            description: "exported but in an ignored namespace",
            remote: Fixture.remote(namespace: "kube-system", annotations: ["barrelman.tfw.io/export": "true"]),
            settings: Fixture.with { $0.requireExport = true }, qualifies: false),
        Case(
            description: "exported ClusterIP",
            remote: Fixture.remote(
                type: .clusterIP, ports: [ServicePort(name: "http", port: 80)],
                annotations: ["barrelman.tfw.io/export": "true"]),
            settings: Fixture.with { $0.requireExport = true }, qualifies: false),
        Case(
            description: "no port has a nodePort",
            remote: Fixture.remote(ports: [ServicePort(name: "http", port: 80)]), qualifies: false),
        Case(description: "no ports at all", remote: Fixture.remote(ports: []), qualifies: false),
        Case(
            description: "some ports lack a nodePort",
            remote: Fixture.remote(ports: [
                ServicePort(name: "http", port: 80), ServicePort(name: "https", port: 443, nodePort: 30443),
            ]), qualifies: true),
    ]

    @Test(arguments: cases)
    func qualification(_ test: Case) {
        #expect(remoteServiceQualifies(test.remote, settings: test.settings) == test.qualifies)
        let namespace = namespaceNeeded(for: test.remote, settings: test.settings)
        #expect(namespace == (test.qualifies ? test.remote.metadata.namespace : nil))
    }
}

@Suite struct DesiredLocalServiceTests {
    static let remote = Fixture.remote(
        ports: [
            ServicePort(name: "http", port: 80, targetPort: 8080, nodePort: 30080),
            ServicePort(name: "dns", protocol: "UDP", port: 53, targetPort: "dns", nodePort: 30053, appProtocol: "dns"),
            ServicePort(name: "internal", port: 9000),
        ])

    @Test func clusterIPMirrorPointsAtTheRemoteNodePorts() {
        let local = desiredLocalService(for: Self.remote, settings: Fixture.settings)
        #expect(local.metadata.name == "web")
        #expect(local.metadata.namespace == "shop")
        #expect(local.metadata.labels == ["tfw.io/barrelman": "managed-resource"])
        #expect(
            local.metadata.annotations == [
                "barrelman.tfw.io/remote-cluster": "remote-a", "barrelman.tfw.io/remote-uid": "remote-uid-1",
                "barrelman.tfw.io/scope": "*,!kube-system",
            ])
        #expect(local.spec.type == .clusterIP)
        #expect(local.spec.selector.isEmpty, "a selector would let Kubernetes' endpoints controller fight us")
        #expect(
            local.spec.ports == [
                ServicePort(name: "http", protocol: "TCP", port: 80, targetPort: .int(30080)),
                ServicePort(name: "dns", protocol: "UDP", port: 53, targetPort: .int(30053)),
            ], "ports without a nodePort are dropped")
    }

    @Test func nodePortMirrorKeepsTheRemoteNodePort() {
        let settings = Fixture.with { $0.createNodePortServices = true }
        let local = desiredLocalService(for: Self.remote, settings: settings)
        #expect(local.spec.type == .nodePort)
        #expect(local.spec.ports.map(\.nodePort) == [30080, 30053])
        #expect(local.spec.ports.map(\.targetPort) == [.int(30080), .int(30053)])
    }

    @Test func nothingServerPopulatedIsSet() {
        let local = desiredLocalService(for: Self.remote, settings: Fixture.settings)
        #expect(local.metadata.uid == nil)
        #expect(local.metadata.resourceVersion == nil)
        #expect(local.metadata.creationTimestamp == nil)
        #expect(local.spec.clusterIP == nil)
        #expect(local.spec.clusterIPs.isEmpty)
        #expect(local.spec.ipFamilies.isEmpty)
        #expect(local.status == ServiceStatus())
    }
}
