import KubeAPI
import TestAPIServer

/// The two in-process clusters of `barrelman demo`, clients for them, and the remote's nodes answering on
/// loopback.
struct DemoClusters: Sendable {
    let remoteServer: TestAPIServer
    let localServer: TestAPIServer
    /// The remote nodes' kube-proxy health ports and node ports: each node answers with its own name.
    let nodes: LoopbackNodeFleet
    let remote: KubeClient
    let local: KubeClient
    let transport: HTTPTransport

    static func start() async throws -> DemoClusters {
        let transport = HTTPTransport()
        let remoteServer = try await TestAPIServer.start()
        // The local cluster's allocation ranges differ, so mirrored cluster IPs are visibly local ones.
        var localOptions = TestAPIServer.Options()
        localOptions.store.serviceCIDR = "10.112.0.0/16"
        let localServer = try await TestAPIServer.start(options: localOptions)
        let nodes = try await LoopbackNodeFleet.start()
        func client(_ server: TestAPIServer, name: String) -> KubeClient {
            KubeClient(
                config: ClusterConfig(
                    server: server.url, tls: TLSSettings(caPEM: server.certificateAuthorityPEM),
                    credentials: StaticCredentials.token(server.adminToken), proxyURL: nil, defaultNamespace: "default",
                    displayName: name),
                transport: transport)
        }
        return DemoClusters(
            remoteServer: remoteServer, localServer: localServer, nodes: nodes, remote: client(remoteServer, name: "remote"),
            local: client(localServer, name: "local"), transport: transport)
    }

    func stop() async {
        await remoteServer.stop()
        await localServer.stop()
        await nodes.stop()
        transport.shutdown()
    }

    // MARK: remote objects

    /// A node as a kubelet would register it: InternalIP, zone, Ready; it answers at that address.
    func addRemoteNode(_ name: String, ip: String, zone: String, ready: Bool = true) async throws {
        try await nodes.add(name: name, address: ip)
        let node = Node(
            metadata: ObjectMeta(name: name, labels: ["topology.kubernetes.io/zone": zone, "kubernetes.io/hostname": name]))
        var created = try await remote.create(node)
        created.status = Self.status(ip: ip, ready: ready)
        _ = try await remote.update(created, subresource: "status")
    }

    func setRemoteNode(_ name: String, ip: String, ready: Bool) async throws {
        if nodes.name(of: ip) == nil { try await nodes.add(name: name, address: ip) }
        var node = try await remote.get(Node.self, name: name)
        node.status = Self.status(ip: ip, ready: ready)
        _ = try await remote.update(node, subresource: "status")
    }

    func addRemoteService(
        _ namespace: String, _ name: String, type: ServiceType = .nodePort, ports: [(String, Int32, Int32?)],
        annotations: [String: String] = [:]
    ) async throws {
        if (try? await remote.get(Namespace.self, name: namespace)) == nil {
            _ = try await remote.create(Namespace(metadata: ObjectMeta(name: namespace)))
        }
        let service = Service(
            metadata: ObjectMeta(name: name, namespace: namespace, annotations: annotations),
            spec: ServiceSpec(
                type: type,
                ports: ports.map { ServicePort(name: $0.0, port: $0.1, targetPort: .int(8080), nodePort: $0.2) },
                selector: ["app": name]))
        _ = try await remote.create(service)
    }

    func setRemoteNodePort(_ namespace: String, _ name: String, port: Int32, nodePort: Int32) async throws {
        var service = try await remote.get(Service.self, name: name, namespace: namespace)
        service.spec.ports = service.spec.ports.map { existing in
            var changed = existing
            if existing.port == port { changed.nodePort = nodePort }
            return changed
        }
        _ = try await remote.update(service)
    }

    private static func status(ip: String, ready: Bool) -> NodeStatus {
        NodeStatus(
            addresses: [NodeAddress(type: "InternalIP", address: ip), NodeAddress(type: "Hostname", address: ip)],
            conditions: [
                NodeCondition(type: "NetworkUnavailable", status: "False"),
                NodeCondition(type: "Ready", status: ready ? "True" : "False"),
            ])
    }
}
