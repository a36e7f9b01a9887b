import Controllers
import KubeAPI

/// Whether the remote nodes answer from here, the way the prober and the mirrors' traffic reach them: kube-proxy's
/// health port (HTTP GET, what cloud load balancers probe) and a node port of a mirrored service (a TCP
/// connect), on a few ready nodes. Says which `-node-health-check` mode works. Every dial goes through the
/// `NodeDialer` seam; with `-node-health-check off` nothing is dialed.
enum NodeReachabilityCheck {
    /// One sampled node and what its ports did.
    struct Probe: Sendable {
        var node: String
        var address: String
        var health: ProbeOutcome?
        var nodePort: ProbeOutcome?
    }

    /// The service whose node port stands for the node-port range: a mirrored one whose node ports answer on every
    /// node (`externalTrafficPolicy: Cluster`).
    struct NodePortTarget: Sendable {
        var service: String
        var port: Int
    }

    static let sampleSize = 3

    static func run(
        remote: KubeClient, reach: ReachSettings, dialer: any NodeDialer, settings: ControllerSettings
    ) async -> [CheckResult] {
        guard reach.mode != .off else {
            return [
                .skip(
                    "node reachability",
                    "-node-health-check off: nodes are not probed, endpoints follow the remote API's readiness alone")
            ]
        }
        let nodes: [NodeSummary]
        let services: [Service]
        do {
            nodes = try await remote.listAll(NodeSummary.self, pageSize: 100).items
            services = try await remote.listAll(Service.self).items
        } catch {
            return [.warn("node reachability", "cannot list the remote nodes: \(error.description)", fix: "see the remote permissions check")]
        }
        let sample = self.sample(nodes, addressType: settings.nodeAddressType.rawValue)
        guard !sample.isEmpty else {
            return [.warn("node reachability", "no ready remote node with an \(settings.nodeAddressType.rawValue) to probe", fix: nil)]
        }
        let target = nodePortTarget(services, settings: settings)
        let client = NodeProbeClient(dialer: dialer, timeout: reach.timeout)
        defer { client.shutdown() }
        let probes = await withTaskGroup(of: Probe.self) { group in
            for (name, address) in sample {
                group.addTask {
                    async let health = client.httpGet(address: address, port: reach.healthPort, path: reach.healthPath)
                    var nodePort: ProbeOutcome?
                    if let target { nodePort = await client.tcpConnect(address: address, port: target.port) }
                    return Probe(node: name, address: address, health: await health, nodePort: nodePort)
                }
            }
            var probes: [Probe] = []
            for await probe in group { probes.append(probe) }
            return probes.sorted { $0.node < $1.node }
        }
        return judge(probes, reach: reach, target: target)
    }

    /// Up to `sampleSize` ready nodes with an address of the type, spread over the sorted names.
    static func sample(_ nodes: [NodeSummary], addressType: String) -> [(name: String, address: String)] {
        let candidates = nodes.filter(\.isReady).compactMap { node in
            node.address(ofType: addressType).map { (name: node.metadata.name, address: $0) }
        }.sorted { $0.name < $1.name }
        guard candidates.count > sampleSize else { return candidates }
        return (0..<sampleSize).map { candidates[$0 * candidates.count / sampleSize] }
    }

    static func nodePortTarget(_ services: [Service], settings: ControllerSettings) -> NodePortTarget? {
        for service in services.sorted(by: { ObjectKey(of: $0) < ObjectKey(of: $1) })
        where remoteServiceQualifies(service, settings: settings) && !routesToLocalEndpointsOnly(service) {
            if let port = service.spec.ports.first(where: { $0.effectiveProtocol == "TCP" && $0.nodePort != nil })?.nodePort {
                return NodePortTarget(service: ObjectKey(of: service).description, port: Int(port))
            }
        }
        return nil
    }

    /// Two results, the health port and the node ports, each naming what to open when it does not answer.
    static func judge(_ probes: [Probe], reach: ReachSettings, target: NodePortTarget?) -> [CheckResult] {
        let port = reach.healthPort
        let healthAnswered = probes.filter { $0.health?.gotAnswer == true }
        let nodePortAnswered = probes.filter { $0.nodePort?.gotAnswer == true }
        let healthSeen = outcomes(probes, \.health)
        let openHealth =
            "open TCP \(port) (kube-proxy's health port) from the local cluster's node and pod ranges to the remote nodes"
        var results: [CheckResult] = []

        // The health port, and which mode works.
        let mode: String
        switch (healthAnswered.count, reach.mode) {
        case (probes.count, _):
            mode = reach.mode == .tcp ? "-node-health-check http or auto would work too" : "-node-health-check auto probes it (http)"
            let failing = probes.filter { $0.health?.passed != true }
            if failing.isEmpty {
                results.append(.pass("node health port", "\(port) answers on \(probes.count) of \(probes.count) sampled nodes (\(healthSeen)); \(mode)"))
            } else {
                results.append(
                    .warn(
                        "node health port",
                        "\(port) answers on \(probes.count) of \(probes.count) sampled nodes; \(mode), but \(failing.map(\.node).joined(separator: ", ")) answer \(reach.healthPath) with an error (\(healthSeen)): the prober takes them out",
                        fix: "check kube-proxy on those nodes (a 503 means it is unhealthy), or -node-health-port if it serves elsewhere"))
            }
        case (0, .http):
            results.append(
                .fail(
                    "node health port",
                    "\(port) answers on none of \(probes.count) sampled nodes (\(healthSeen)): every probe of -node-health-check http fails, so nodes are never taken out (fail-open)",
                    fix: "\(openHealth), or run with -node-health-check \(nodePortAnswered.isEmpty ? "auto" : "tcp")"))
        case (0, _):
            let fallback =
                nodePortAnswered.isEmpty
                ? "no node port answers either" : "-node-health-check auto falls back to TCP connects to node ports (tcp does so at once)"
            results.append(
                .warn(
                    "node health port", "\(port) answers on none of \(probes.count) sampled nodes (\(healthSeen)); \(fallback)",
                    fix: "\(openHealth), so probes see kube-proxy's health as cloud load balancers do; or run with -node-health-check tcp"))
        default:
            let silent = probes.filter { $0.health?.gotAnswer != true }
            results.append(
                .warn(
                    "node health port",
                    "\(port) answers on \(healthAnswered.count) of \(probes.count) sampled nodes; not on \(silent.map { "\($0.node) (\($0.health?.description ?? "not probed"))" }.joined(separator: ", "))",
                    fix: "\(openHealth); nodes whose health port does not answer are taken out of the endpoints"))
        }

        // The node ports: what the mirrors' traffic needs, whatever the mode.
        guard let target else {
            results.append(.skip("node ports", "no mirrored remote service with externalTrafficPolicy: Cluster and a TCP node port to try"))
            return results
        }
        let what = "node port \(target.port) (\(target.service))"
        let seen = outcomes(probes, \.nodePort)
        let openNodePorts =
            "open the remote node-port range (TCP 30000-32767) from the local cluster's node and pod ranges to the remote nodes (README \"Reachability\")"
        if nodePortAnswered.count == probes.count {
            results.append(.pass("node ports", "\(what) answers on \(probes.count) of \(probes.count) sampled nodes (\(seen))"))
        } else if nodePortAnswered.isEmpty {
            results.append(
                .fail(
                    "node ports", "\(what) answers on none of \(probes.count) sampled nodes (\(seen)): traffic through the mirrors cannot flow",
                    fix: openNodePorts))
        } else {
            results.append(
                .warn(
                    "node ports", "\(what) answers on \(nodePortAnswered.count) of \(probes.count) sampled nodes (\(seen))",
                    fix: openNodePorts))
        }
        return results
    }

    /// `node-a refused, node-b connected`.
    private static func outcomes(_ probes: [Probe], _ outcome: KeyPath<Probe, ProbeOutcome?>) -> String {
        probes.map { "\($0.node) \($0[keyPath: outcome]?.description ?? "not probed")" }.joined(separator: ", ")
    }
}
