import Controllers
import KubeAPI
import Testing

/// The remote services cache holds projections: every decision must come out the same as from the full
/// service, above all "nothing to write" for a mirror in sync, or writes would flap.
@Suite struct RemoteServiceProjectionTests {
    static let full = Service(
        metadata: ObjectMeta(
            name: "web", namespace: "shop", uid: "remote-uid-1", resourceVersion: "7", generation: 3,
            creationTimestamp: "2026-01-01T00:00:00Z", labels: ["app": "web", "team": "a"],
            annotations: ["note": "b", "kubectl.kubernetes.io/last-applied-configuration": "{}"],
            finalizers: ["service.kubernetes.io/load-balancer-cleanup"]),
        spec: ServiceSpec(
            type: .nodePort,
            ports: [
                ServicePort(name: "http", protocol: "TCP", port: 80, targetPort: .string("web"), nodePort: 30080, appProtocol: "http"),
                ServicePort(name: "dns", protocol: "UDP", port: 53, targetPort: .int(5353), nodePort: 30053),
                ServicePort(name: "internal", port: 9090, targetPort: .int(9090)),
            ],
            selector: ["app": "web"], clusterIP: "10.9.0.1", clusterIPs: ["10.9.0.1"], sessionAffinity: "None",
            ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack", externalTrafficPolicy: "Cluster"),
        status: ServiceStatus(loadBalancer: LoadBalancerStatus(ingress: [LoadBalancerIngress(ip: "203.0.113.9")])))

    static func changing(_ change: (inout Service) -> Void) -> Service {
        var copy = full
        change(&copy)
        return copy
    }

    static let remotes: [(String, Service)] = [
        ("NodePort with every field set", full),
        ("LoadBalancer", changing { $0.spec.type = .loadBalancer }),
        ("ClusterIP", changing { $0.spec.type = .clusterIP }),
        ("externalTrafficPolicy Local", changing { $0.spec.externalTrafficPolicy = "Local" }),
        ("annotated ignore", changing { $0.metadata.annotations[BarrelmanLabels.key] = BarrelmanLabels.ignore }),
        ("exported", changing { $0.metadata.annotations[BarrelmanLabels.exportAnnotation] = "true" }),
        ("export false", changing { $0.metadata.annotations[BarrelmanLabels.exportAnnotation] = "false" }),
        (
            "exported and annotated ignore",
            changing {
                $0.metadata.annotations[BarrelmanLabels.exportAnnotation] = "true"
                $0.metadata.annotations[BarrelmanLabels.key] = BarrelmanLabels.ignore
            }
        ),
        ("no port with a node port", changing { $0.spec.ports = [ServicePort(name: "internal", port: 9090)] }),
        ("no namespace", changing { $0.metadata.namespace = nil }),
        ("in an ignored namespace", changing { $0.metadata.namespace = "kube-system" }),
        ("no uid", changing { $0.metadata.uid = nil }),
        ("federated", changing { $0.metadata.annotations[BarrelmanLabels.federateAnnotation] = "true" }),
    ]

    static let settings: [(String, ControllerSettings)] = [
        ("defaults", Fixture.settings),
        ("NodePort mirrors", Fixture.with { $0.createNodePortServices = true }),
        ("no LoadBalancer mirroring", Fixture.with { $0.mirrorLoadBalancer = false }),
        ("exports required", Fixture.with { $0.requireExport = true }),
        ("every service federated", Fixture.with { $0.federate = true }),
    ]

    @Test(arguments: 0..<remotes.count, 0..<settings.count)
    func decisionsAreTheSameAsFromTheFullService(remoteCase: Int, settingsCase: Int) {
        let (name, remote) = Self.remotes[remoteCase]
        let (settingsName, settings) = Self.settings[settingsCase]
        let projected = remoteServiceProjection(remote)
        let what = "\(name), \(settingsName)"
        #expect(remoteServiceQualifies(projected, settings: settings) == remoteServiceQualifies(remote, settings: settings), "\(what)")
        #expect(routesToLocalEndpointsOnly(projected) == routesToLocalEndpointsOnly(remote), "\(what)")
        #expect(desiredLocalService(for: projected, settings: settings) == desiredLocalService(for: remote, settings: settings), "\(what)")
        let mirror = Fixture.mirrored(from: remote, settings: settings)
        for local in [nil, mirror, Fixture.local(label: nil), Fixture.local(label: BarrelmanLabels.userManaged)] {
            #expect(
                planService(remote: projected, local: local, settings: settings)
                    == planService(remote: remote, local: local, settings: settings), "\(what), local \(local?.metadata.labels ?? [:])")
        }
        if remoteServiceQualifies(remote, settings: settings) {
            #expect(planService(remote: projected, local: mirror, settings: settings) == .none, "a mirror in sync: \(what)")
        }
        #expect(remoteServiceFederates(projected, settings: settings) == remoteServiceFederates(remote, settings: settings), "\(what)")
        #expect(FederationSource(remote: projected, settings: settings) == FederationSource(remote: remote, settings: settings), "\(what)")
        for local in [nil, mirror] {
            #expect(
                planFederatedService(remote: projected, local: local, others: [], settings: settings)
                    == planFederatedService(remote: remote, local: local, others: [], settings: settings), "\(what)")
        }
    }

    @Test func keepsWhatEventsAndRelistsReadAndDropsTheRest() {
        let projected = remoteServiceProjection(Self.full)
        #expect(
            projected.metadata
                == ObjectMeta(
                    name: "web", namespace: "shop", uid: "remote-uid-1", resourceVersion: "7",
                    creationTimestamp: "2026-01-01T00:00:00Z"))
        #expect(
            projected.spec
                == ServiceSpec(
                    type: .nodePort,
                    ports: [
                        ServicePort(name: "http", protocol: "TCP", port: 80, nodePort: 30080),
                        ServicePort(name: "dns", protocol: "UDP", port: 53, nodePort: 30053),
                        ServicePort(name: "internal", port: 9090),
                    ],
                    externalTrafficPolicy: "Cluster"))
        #expect(projected.status == ServiceStatus())
        #expect(remoteServiceProjection(projected) == projected)
    }

    @Test func keepsTheExportAnnotationWhateverTheSettings() {
        let exported = Self.changing {
            $0.metadata.annotations[BarrelmanLabels.exportAnnotation] = "true"
            $0.metadata.annotations[BarrelmanLabels.key] = BarrelmanLabels.ignore
        }
        #expect(
            remoteServiceProjection(exported).metadata.annotations
                == [BarrelmanLabels.exportAnnotation: "true", BarrelmanLabels.key: BarrelmanLabels.ignore])
    }

    /// Every planner case of `ServicePlannerTests`, planned from the projection, gives the same action.
    @Test(arguments: ServicePlannerTests.cases)
    func plannerCasesPlanTheSame(_ test: ServicePlannerTests.Case) {
        #expect(
            planService(remote: test.remote.map(remoteServiceProjection), local: test.local, settings: test.settings)
                == planService(remote: test.remote, local: test.local, settings: test.settings))
    }
}
