import BenchmarkFixtures
import KubeAPI
import TestAPIServer

/// Changes to the remote cluster at random (from a seed): services created and deleted, node ports moved,
/// node addresses and readiness changed, nodes removed and re-added. Writes go to the server's state
/// directly, so the churn goes on while the remote's listener is down for a fault.
struct RemoteChurn {
    let state: APIServerState
    let namespace: String
    let nodes: Int
    /// Service names are drawn from a pool a fifth larger than the seeded services, so creates find free names.
    let servicePool: Int
    var random: SeededRandom
    private(set) var counts: [String: Int] = [:]
    private var addressGeneration = 0

    init(state: APIServerState, namespace: String, nodes: Int, services: Int, seed: UInt64) {
        self.state = state
        self.namespace = namespace
        self.nodes = nodes
        servicePool = services + max(1, services / 5)
        random = SeededRandom(seed: seed)
    }

    /// One change, drawn by weight: 40 % service create/delete, 35 % node port, 10 % node address,
    /// 10 % node readiness, 5 % node removed or re-added.
    mutating func step() {
        let roll = Int.random(in: 0..<100, using: &random)
        let outcome: String
        switch roll {
        case 0..<40: outcome = toggleService(Int.random(in: 0..<servicePool, using: &random))
        case 40..<75: outcome = moveNodePort(Int.random(in: 0..<servicePool, using: &random))
        case 75..<85: outcome = changeNodeAddress(Int.random(in: 0..<nodes, using: &random))
        case 85..<95: outcome = toggleNodeReady(Int.random(in: 0..<nodes, using: &random))
        default: outcome = toggleNode(Int.random(in: 0..<nodes, using: &random))
        }
        counts[outcome, default: 0] += 1
    }

    private func serviceName(_ index: Int) -> String { "svc-\(index)" }

    private func toggleService(_ index: Int) -> String {
        let name = serviceName(index)
        if state.get("services", namespace: namespace, name: name) != nil {
            return (try? state.delete("services", namespace: namespace, name: name)) == nil ? "failed: service delete" : "service deleted"
        }
        let service: JSON = [
            "apiVersion": "v1", "kind": "Service",
            "metadata": ["name": .string(name), "namespace": .string(namespace), "labels": ["app": .string(name)]],
            "spec": [
                "type": "NodePort", "selector": ["app": .string(name)],
                "ports": [
                    ["name": "http", "protocol": "TCP", "port": 80, "targetPort": 8080],
                    ["name": "https", "protocol": "TCP", "port": 443, "targetPort": 8443],
                ],
            ],
        ]
        return (try? state.create(service)) == nil ? "failed: service create" : "service created"
    }

    /// Moves one port of the service to a random node port. A port already taken tries others at a fixed
    /// stride (the allocator fills the range from its start) instead of drawing again, so the sequence of
    /// draws, and with it the churn, does not depend on which ports the seeding happened to allocate.
    private mutating func moveNodePort(_ index: Int) -> String {
        let portIndex = Int.random(in: 0..<2, using: &random)
        let drawn = Int.random(in: 30000...32767, using: &random)
        guard var service = state.get("services", namespace: namespace, name: serviceName(index)),
            case .array(var ports)? = service[path: ["spec", "ports"]], !ports.isEmpty
        else { return toggleService(index) }
        for attempt in 0..<8 {
            ports[portIndex % ports.count]["nodePort"] = .int(Int64(30000 + (drawn - 30000 + attempt * 397) % 2768))
            service[path: ["spec", "ports"]] = .array(ports)
            if (try? state.update(service)) != nil { return "node port moved" }
        }
        return "failed: node port move"
    }

    private mutating func changeNodeAddress(_ index: Int) -> String {
        addressGeneration += 1
        let generation = addressGeneration
        let address = "10.\(100 + index % 100).\((generation / 250) % 250).\(generation % 250 + 1)"
        return updateNodeStatus(index, outcome: "node address changed") { status in
            guard case .array(var addresses)? = status["addresses"] else { return }
            for position in addresses.indices where addresses[position]["type"]?.stringValue == "InternalIP" {
                addresses[position]["address"] = .string(address)
            }
            status["addresses"] = .array(addresses)
        }
    }

    private func toggleNodeReady(_ index: Int) -> String {
        updateNodeStatus(index, outcome: "node readiness flipped") { status in
            guard case .array(var conditions)? = status["conditions"] else { return }
            for position in conditions.indices where conditions[position]["type"]?.stringValue == "Ready" {
                let ready = conditions[position]["status"]?.stringValue == "True"
                conditions[position]["status"] = .string(ready ? "False" : "True")
            }
            status["conditions"] = .array(conditions)
        }
    }

    private func updateNodeStatus(_ index: Int, outcome: String, _ change: (inout JSON) -> Void) -> String {
        guard var node = state.get("nodes", name: RealisticNode.name(index)) else { return toggleNode(index) }
        var status = node["status"] ?? .object([:])
        change(&status)
        node["status"] = status
        return (try? state.updateStatus(node)) == nil ? "failed: node status" : outcome
    }

    /// Removes the node, or adds it back (created, then its status, as a kubelet does).
    private func toggleNode(_ index: Int) -> String {
        let name = RealisticNode.name(index)
        if state.get("nodes", name: name) != nil {
            return (try? state.delete("nodes", name: name)) == nil ? "failed: node delete" : "node removed"
        }
        guard var created = try? state.create(JSON(RealisticNode.json(index))) else { return "failed: node create" }
        created["status"] = JSON(RealisticNode.status(index, ip: RealisticNode.internalIP(index), ready: true))
        return (try? state.updateStatus(created)) == nil ? "failed: node status" : "node re-added"
    }
}

extension JSON {
    /// The client's JSON value as the test server stores it.
    init(_ value: JSONValue) {
        switch value {
        case .null: self = .null
        case .bool(let bool): self = .bool(bool)
        case .int(let int): self = .int(int)
        case .double(let double): self = .double(double)
        case .string(let string): self = .string(string)
        case .array(let array): self = .array(array.map(JSON.init))
        case .object(let object): self = .object(object.mapValues(JSON.init))
        }
    }
}
