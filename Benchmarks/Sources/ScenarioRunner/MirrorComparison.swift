import TestAPIServer

/// The local state barrelman must produce, computed from the remote's objects without barrelman's own
/// planning code, and the local state it did produce, both as one comparable line per service.
struct MirrorComparison {
    /// Service name -> what its mirror and slices hold.
    typealias Mirror = [String: String]

    let remote: APIServerState
    let local: APIServerState
    let namespace: String
    let clusterName: String
    /// barrelman's default `maxEndpointsPerSlice`.
    let sliceCapacity = 100

    /// Differences between desired and observed, one line each; empty when the local state is exact.
    func differences(limit: Int = 20) -> [String] {
        let desired = desiredMirror()
        let observed = observedMirror()
        var lines: [String] = []
        for name in Set(desired.keys).union(observed.keys).sorted() {
            switch (desired[name], observed[name]) {
            case (let want?, nil): lines.append("missing locally: \(name): \(want)")
            case (nil, let have?): lines.append("extra locally: \(name): \(have)")
            case (let want?, let have?) where want != have: lines.append("\(name): want \(want)\n      have \(have)")
            default: break
            }
        }
        // Mirrors outside the namespace, or slices of services that are not mirrored, are extras too.
        for service in local.list("services") where service.label("tfw.io/barrelman") == "managed-resource" {
            if service.namespaceName != namespace { lines.append("extra mirror in another namespace: \(service.namespaceName)/\(service.name)") }
        }
        for slice in local.list("endpointslices") where slice.label("endpointslice.kubernetes.io/managed-by") == "barrelman.tfw.io" {
            let owner = slice.label("kubernetes.io/service-name") ?? ""
            if slice.namespaceName != namespace || desired[owner] == nil {
                lines.append("extra slice: \(slice.namespaceName)/\(slice.name) of service \(owner)")
            }
        }
        return lines.count > limit ? Array(lines.prefix(limit)) + ["... and \(lines.count - limit) more"] : lines
    }

    var mirroredServiceCount: Int { desiredMirror().count }

    // MARK: desired, from the remote

    func desiredMirror() -> Mirror {
        let endpoints = remote.list("nodes").compactMap(Self.endpoint(ofRemoteNode:)).sorted()
        let sliceCount = endpoints.count <= sliceCapacity ? "1" : ">=\((endpoints.count + sliceCapacity - 1) / sliceCapacity)"
        var mirror: Mirror = [:]
        for service in remote.list("services", namespace: namespace)
        where service[path: ["spec", "type"]]?.stringValue == "NodePort" && service.annotation("tfw.io/barrelman") != "ignore" {
            let ports = service.ports.sorted { $0.name < $1.name }
            let servicePorts = ports.map { "\($0.name)/\($0.protocol):\($0.port)->\($0.nodePort)" }
            let slicePorts = Set(ports.map { "\($0.name)/\($0.protocol):\($0.nodePort)" }).sorted()
            let uid = service[path: ["metadata", "uid"]]?.stringValue ?? ""
            mirror[service.name] = Self.line(
                labels: ["tfw.io/barrelman=managed-resource"], cluster: clusterName, uid: uid, type: "ClusterIP", selector: [],
                ports: servicePorts, slices: sliceCount, sliceLabelsOK: true, slicePorts: slicePorts, endpoints: endpoints)
        }
        return mirror
    }

    /// "node address zone ready/serving" for a node barrelman must list, nil for one it must leave out.
    static func endpoint(ofRemoteNode node: JSON) -> String? {
        // Cordoned nodes stay (Kubernetes 1.26+ load balancer rules); the scenarios have no excluded-only clusters.
        if node.label("node.kubernetes.io/exclude-from-external-load-balancers") != nil { return nil }
        let addresses = node[path: ["status", "addresses"]]?.arrayValue ?? []
        guard
            let address = addresses.first(where: {
                $0["type"]?.stringValue == "InternalIP" && $0["address"]?.stringValue?.contains(".") == true
            })?["address"]?.stringValue
        else { return nil }
        func condition(_ type: String) -> String? {
            (node[path: ["status", "conditions"]]?.arrayValue ?? []).first { $0["type"]?.stringValue == type }?["status"]?.stringValue
        }
        let networkOK = condition("NetworkUnavailable") == nil || condition("NetworkUnavailable") == "False"
        let ready = condition("Ready") == "True" && networkOK
        return "\(node.name) \(address) \(node.label("topology.kubernetes.io/zone") ?? "-") \(ready)/\(ready)"
    }

    // MARK: observed, in the local cluster

    func observedMirror() -> Mirror {
        let slices = Dictionary(grouping: local.list("endpointslices", namespace: namespace)) { $0.label("kubernetes.io/service-name") ?? "" }
        var mirror: Mirror = [:]
        for service in local.list("services", namespace: namespace) where service.label("tfw.io/barrelman") == "managed-resource" {
            let labels = (service[path: ["metadata", "labels"]]?.objectValue ?? [:]).map { "\($0.key)=\($0.value.stringValue ?? "?")" }.sorted()
            let selector = (service[path: ["spec", "selector"]]?.objectValue ?? [:]).keys.sorted()
            let ports = service.ports.sorted { $0.name < $1.name }.map { "\($0.name)/\($0.protocol):\($0.port)->\($0.targetPort)" }
            let own = slices[service.name] ?? []
            let sliceLabelsOK = own.allSatisfy {
                ($0[path: ["metadata", "labels"]]?.objectValue ?? [:])
                    == ["kubernetes.io/service-name": .string(service.name), "endpointslice.kubernetes.io/managed-by": "barrelman.tfw.io"]
            }
            let slicePorts = Set(own.flatMap { slice in
                (slice["ports"]?.arrayValue ?? []).map {
                    "\($0["name"]?.stringValue ?? "")/\($0["protocol"]?.stringValue ?? "TCP"):\($0["port"]?.intValue ?? 0)"
                }
            }).sorted()
            let endpoints = own.flatMap { slice in
                (slice["endpoints"]?.arrayValue ?? []).map { endpoint -> String in
                    let addresses = (endpoint["addresses"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: "+")
                    let ready = endpoint[path: ["conditions", "ready"]] == .bool(true)
                    let serving = endpoint[path: ["conditions", "serving"]] == .bool(true)
                    return "\(endpoint["nodeName"]?.stringValue ?? "-") \(addresses) \(endpoint["zone"]?.stringValue ?? "-") \(ready)/\(serving)"
                }
            }.sorted()
            let sliceCount = own.count
            let desiredCount = endpoints.count <= sliceCapacity ? "\(sliceCount)" : ">=\((endpoints.count + sliceCapacity - 1) / sliceCapacity)"
            mirror[service.name] = Self.line(
                labels: labels, cluster: service.annotation("barrelman.tfw.io/remote-cluster") ?? "",
                uid: service.annotation("barrelman.tfw.io/remote-uid") ?? "", type: service[path: ["spec", "type"]]?.stringValue ?? "",
                selector: selector, ports: ports, slices: desiredCount, sliceLabelsOK: sliceLabelsOK, slicePorts: slicePorts,
                endpoints: endpoints)
        }
        return mirror
    }

    private static func line(
        labels: [String], cluster: String, uid: String, type: String, selector: [String], ports: [String], slices: String,
        sliceLabelsOK: Bool, slicePorts: [String], endpoints: [String]
    ) -> String {
        "labels=\(labels) cluster=\(cluster) uid=\(uid) type=\(type) selector=\(selector) ports=\(ports) slices=\(slices)"
            + " sliceLabels=\(sliceLabelsOK ? "ok" : "wrong") slicePorts=\(slicePorts) endpoints(\(endpoints.count))=\(endpoints)"
    }
}

private struct PortLine {
    var name: String
    var `protocol`: String
    var port: Int64
    var nodePort: Int64
    var targetPort: String
}

extension JSON {
    fileprivate var name: String { self[path: ["metadata", "name"]]?.stringValue ?? "" }
    fileprivate var namespaceName: String { self[path: ["metadata", "namespace"]]?.stringValue ?? "" }
    fileprivate func label(_ key: String) -> String? { self[path: ["metadata", "labels", key]]?.stringValue }
    fileprivate func annotation(_ key: String) -> String? { self[path: ["metadata", "annotations", key]]?.stringValue }

    fileprivate var ports: [PortLine] {
        (self[path: ["spec", "ports"]]?.arrayValue ?? []).map { port in
            let target: String
            switch port["targetPort"] {
            case .int(let value)?: target = String(value)
            case .string(let value)?: target = value
            default: target = "-"
            }
            return PortLine(
                name: port["name"]?.stringValue ?? "", protocol: port["protocol"]?.stringValue ?? "TCP",
                port: port["port"]?.intValue ?? 0, nodePort: port["nodePort"]?.intValue ?? 0, targetPort: target)
        }
    }
}
