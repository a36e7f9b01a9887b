import Controllers
import KubeAPI

/// Builders for the objects the decisions read, with the defaults a typical case needs.
enum Fixture {
    static let settings = ControllerSettings(remoteClusterName: "remote-a")

    static func remote(
        _ name: String = "web", namespace: String = "shop", type: ServiceType = .nodePort,
        ports: [ServicePort] = [
            ServicePort(name: "http", protocol: "TCP", port: 80, targetPort: 8080, nodePort: 30080)
        ],
        annotations: [String: String] = [:], uid: String = "remote-uid-1"
    ) -> Service {
        Service(
            metadata: ObjectMeta(name: name, namespace: namespace, uid: uid, annotations: annotations),
            spec: ServiceSpec(type: type, ports: ports, selector: ["app": name], clusterIP: "10.9.0.1"))
    }

    /// A local service as the server returns it after barrelman created it from `remote`.
    static func mirrored(
        from remote: Service, settings: ControllerSettings = Fixture.settings, uid: String = "local-uid-1"
    ) -> Service {
        var local = desiredLocalService(for: remote, settings: settings)
        local.metadata.uid = uid
        local.metadata.resourceVersion = "42"
        local.metadata.creationTimestamp = "2026-01-01T00:00:00Z"
        local.spec.clusterIP = "10.96.0.7"
        local.spec.clusterIPs = ["10.96.0.7"]
        local.spec.sessionAffinity = "None"
        return local
    }

    /// A local service created by a person, for barrelman to maintain endpoints of.
    static func local(
        _ name: String = "web", namespace: String = "shop", label: String? = BarrelmanLabels.userManaged,
        ports: [ServicePort] = [ServicePort(name: "http", port: 80, targetPort: 30080)], uid: String? = "local-uid-1"
    ) -> Service {
        Service(
            metadata: ObjectMeta(
                name: name, namespace: namespace, uid: uid, labels: label.map { [BarrelmanLabels.key: $0] } ?? [:]),
            spec: ServiceSpec(ports: ports, clusterIP: "10.96.0.8"))
    }

    static func node(
        _ name: String, internalIP: String? = nil, externalIP: String? = nil, extraAddresses: [NodeAddress] = [],
        ready: NodeSummary.ConditionStatus? = .true, networkUnavailable: NodeSummary.ConditionStatus? = nil,
        unschedulable: Bool = false, zone: String? = nil, excluded: Bool = false
    ) -> NodeSummary {
        var addresses: [NodeAddress] = []
        if let internalIP { addresses.append(NodeAddress(type: "InternalIP", address: internalIP)) }
        if let externalIP { addresses.append(NodeAddress(type: "ExternalIP", address: externalIP)) }
        addresses += extraAddresses
        var labels: [String: String] = [:]
        if let zone { labels[NodeSummary.zoneLabel] = zone }
        if excluded { labels[NodeSummary.excludeFromExternalLoadBalancersLabel] = "" }
        return NodeSummary(
            metadata: ObjectMeta(name: name, labels: labels), unschedulable: unschedulable, addresses: addresses,
            ready: ready, networkUnavailable: networkUnavailable)
    }

    /// `count` ready nodes with distinct IPv4 addresses in 10.0.0.0/8.
    static func nodes(_ count: Int, readyEvery: Int = 1) -> [NodeSummary] {
        (0..<count).map { index in
            node(
                "node-\(index)", internalIP: "10.\(index / 65536 % 256).\(index / 256 % 256).\(index % 256)",
                ready: index % readyEvery == 0 ? .true : .false)
        }
    }

    static func addressSet(_ nodes: [NodeSummary], settings: ControllerSettings = Fixture.settings) -> NodeAddressSet {
        NodeAddressSet(nodes: nodes, settings: settings)
    }

    static func with(_ settings: ControllerSettings = Fixture.settings, _ change: (inout ControllerSettings) -> Void)
        -> ControllerSettings
    {
        var copy = settings
        change(&copy)
        return copy
    }
}
