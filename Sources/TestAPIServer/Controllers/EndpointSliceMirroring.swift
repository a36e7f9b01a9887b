/// kube-controller-manager's EndpointSlice mirroring controller, as a pure decision: for one Endpoints name,
/// the mirrored slices to create, update and delete. Real control planes run it, so a client that writes
/// Endpoints sees slices appear for them; the test API server runs it too (`EndpointSliceMirroringController`).
///
/// What it mirrors: Endpoints without the `skip-mirror` label and without a leader-election annotation, whose
/// Service exists and has no selector. One slice per address family and set of ports (subsets with equal
/// ports are merged first), at most 1000 endpoints per subset, invalid IPs skipped. A slice copies the
/// Endpoints' labels (then `kubernetes.io/service-name` and `managed-by` are set) and annotations (but
/// `last-change-trigger-time` and `last-applied-configuration`), is owned by the Endpoints (controller
/// reference) and named `<endpoints>-<random>`. Everything else means the mirrored slices are deleted.
enum EndpointSliceMirroring {
    static let controllerName = "endpointslicemirroring-controller.k8s.io"
    static let managedByLabel = "endpointslice.kubernetes.io/managed-by"
    static let serviceNameLabel = "kubernetes.io/service-name"
    static let skipMirrorLabel = "endpointslice.kubernetes.io/skip-mirror"
    static let leaderElectionAnnotation = "control-plane.alpha.kubernetes.io/leader"
    static let droppedAnnotations: Set<String> = [
        "endpoints.kubernetes.io/last-change-trigger-time", "kubectl.kubernetes.io/last-applied-configuration",
    ]
    /// kube-controller-manager's `--mirroring-max-endpoints-per-subset` default.
    static let maxEndpointsPerSubset = 1000

    /// The writes that make the mirrored slices of one Endpoints name right. Slices to create have
    /// `generateName`; updates replace a slice whole, by name, as the controller's PUT does.
    struct Plan: Sendable, Equatable {
        var create: [JSON] = []
        var update: [JSON] = []
        var delete: [String] = []

        var isEmpty: Bool { create.isEmpty && update.isEmpty && delete.isEmpty }
    }

    static func shouldMirror(_ endpoints: JSON) -> Bool {
        endpoints.labels[skipMirrorLabel] != "true"
            && endpoints[path: ["metadata", "annotations", leaderElectionAnnotation]] == nil
    }

    /// Whether a service keeps its Endpoints from being mirrored (kube: a non-nil selector; an empty one is
    /// dropped on the way through the API, so only a non-empty one counts).
    static func hasSelector(_ service: JSON) -> Bool {
        !(service[path: ["spec", "selector"]]?.stringMap.isEmpty ?? true)
    }

    /// Whether a slice is one this controller mirrored.
    static func isMirrored(_ slice: JSON) -> Bool {
        slice.labels[managedByLabel] == controllerName
    }

    /// `existing` are the slices labelled as mirrored for this name, in any order.
    static func plan(endpoints: JSON?, service: JSON?, existing: [JSON]) -> Plan {
        guard let endpoints, shouldMirror(endpoints), let service, !hasSelector(service) else {
            return Plan(delete: existing.map(\.name).sorted())
        }
        let desired = desiredGroups(endpoints)
        var existingByKey: [String: [JSON]] = [:]
        for slice in existing.sorted(by: { $0.name < $1.name }) {
            existingByKey[groupKey(addressType: slice["addressType"]?.stringValue ?? "", ports: slice["ports"]), default: []]
                .append(slice)
        }
        var plan = Plan()
        var creates: [JSON] = []
        for group in desired {
            let slices = existingByKey.removeValue(forKey: group.key) ?? []
            plan.delete += slices.dropFirst().map(\.name)
            let wanted = slice(for: endpoints, group: group, name: slices.first?.name)
            guard let current = slices.first else {
                creates.append(wanted)
                continue
            }
            if !matches(current, wanted) { plan.update.append(wanted) }
        }
        var leftOver = existingByKey.values.flatMap { $0 }.sorted { $0.name < $1.name }
        // kube recycles a slice it would delete for one it would create, if their address types match.
        for var created in creates {
            let addressType = created["addressType"]?.stringValue
            if let index = leftOver.firstIndex(where: { $0["addressType"]?.stringValue == addressType }) {
                created[path: ["metadata", "generateName"]] = nil
                created[path: ["metadata", "name"]] = .string(leftOver.remove(at: index).name)
                plan.update.append(created)
            } else if !endpoints.isBeingDeleted {
                plan.create.append(created)
            }
        }
        plan.delete += leftOver.map(\.name)
        return plan
    }

    /// The endpoints of one slice: an address family and a set of ports.
    struct Group {
        var key: String
        var addressType: String
        var ports: JSON
        var endpoints: [JSON] = []
    }

    /// The desired slices' content, in the Endpoints' order: subsets with equal ports merged (kube repacks them),
    /// an address both ready and not ready counted ready, invalid IPs and those past the per-subset limit skipped.
    static func desiredGroups(_ endpoints: JSON) -> [Group] {
        var order: [String] = []
        var merged: [String: (ports: JSON, ready: [JSON], notReady: [JSON])] = [:]
        for subset in endpoints["subsets"]?.arrayValue ?? [] {
            let ports = slicePorts(subset["ports"]?.arrayValue ?? [])
            let key = portsKey(ports)
            if merged[key] == nil {
                order.append(key)
                merged[key] = (ports, [], [])
            }
            merged[key]?.ready += subset["addresses"]?.arrayValue ?? []
            merged[key]?.notReady += subset["notReadyAddresses"]?.arrayValue ?? []
        }
        var groups: [Group] = []
        var groupIndex: [String: Int] = [:]
        for key in order {
            guard let subset = merged[key] else { continue }
            var seen = Set<String>()
            var added = 0
            for (address, ready) in subset.ready.map({ ($0, true) }) + subset.notReady.map({ ($0, false) }) {
                guard added < maxEndpointsPerSubset else { break }
                guard let ip = IPAddressText(address["ip"]?.stringValue ?? "") else { continue }
                added += 1
                let text = ip.canonical
                guard seen.insert(text).inserted else { continue }
                let addressType = ip.isIPv4 ? "IPv4" : "IPv6"
                let fullKey = addressType + "|" + key
                if groupIndex[fullKey] == nil {
                    groupIndex[fullKey] = groups.count
                    groups.append(Group(key: fullKey, addressType: addressType, ports: subset.ports))
                }
                if let index = groupIndex[fullKey] {
                    groups[index].endpoints.append(endpoint(address, ip: text, ready: ready))
                }
            }
        }
        return groups
    }

    private static func endpoint(_ address: JSON, ip: String, ready: Bool) -> JSON {
        var endpoint: JSON = ["addresses": [.string(ip)], "conditions": ["ready": .bool(ready)]]
        if let targetRef = address["targetRef"], !targetRef.isNull { endpoint["targetRef"] = targetRef }
        if let nodeName = address["nodeName"]?.stringValue { endpoint["nodeName"] = .string(nodeName) }
        if let hostname = address["hostname"]?.stringValue, !hostname.isEmpty { endpoint["hostname"] = .string(hostname) }
        return endpoint
    }

    /// An Endpoints port as a slice port: name (also when empty), port, protocol and appProtocol.
    private static func slicePorts(_ ports: [JSON]) -> JSON {
        .array(
            ports.map { port in
                var converted: JSON = [
                    "name": .string(port["name"]?.stringValue ?? ""), "port": .int(port["port"]?.intValue ?? 0),
                    "protocol": .string(port["protocol"]?.stringValue ?? "TCP"),
                ]
                if let appProtocol = port["appProtocol"]?.stringValue { converted["appProtocol"] = .string(appProtocol) }
                return converted
            })
    }

    /// Ports in an order-independent form (kube hashes them sorted).
    private static func portsKey(_ ports: JSON) -> String {
        (ports.arrayValue ?? [])
            .map { port in
                ["name", "port", "protocol", "appProtocol"].map { port[$0].map { String(decoding: $0.serialized(), as: UTF8.self) } ?? "-" }
                    .joined(separator: ",")
            }
            .sorted().joined(separator: ";")
    }

    private static func groupKey(addressType: String, ports: JSON?) -> String {
        addressType + "|" + portsKey(ports ?? .array([]))
    }

    private static func slice(for endpoints: JSON, group: Group, name: String?) -> JSON {
        var labels = endpoints.labels
        labels[serviceNameLabel] = endpoints.name
        labels[managedByLabel] = controllerName
        let annotations = (endpoints[path: ["metadata", "annotations"]]?.stringMap ?? [:])
            .filter { !droppedAnnotations.contains($0.key) }
        var metadata: JSON = [
            "namespace": .string(endpoints.namespace ?? "default"),
            "labels": .object(labels.mapValues(JSON.string)),
            "ownerReferences": [
                [
                    "apiVersion": "v1", "kind": "Endpoints", "name": .string(endpoints.name),
                    "uid": .string(endpoints.uid), "controller": true, "blockOwnerDeletion": true,
                ]
            ],
        ]
        if !annotations.isEmpty { metadata["annotations"] = .object(annotations.mapValues(JSON.string)) }
        if let name {
            metadata["name"] = .string(name)
        } else {
            metadata["generateName"] = .string(endpoints.name + "-")
        }
        return [
            "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": metadata,
            "addressType": .string(group.addressType), "ports": group.ports, "endpoints": .array(group.endpoints),
        ]
    }

    /// Whether a stored slice already holds what `wanted` would write: the same endpoints (in any order),
    /// labels and annotations. Ports and address type are equal by the grouping.
    private static func matches(_ current: JSON, _ wanted: JSON) -> Bool {
        let currentEndpoints = Set(current["endpoints"]?.arrayValue ?? [])
        let wantedEndpoints = wanted["endpoints"]?.arrayValue ?? []
        return currentEndpoints.count == wantedEndpoints.count && currentEndpoints == Set(wantedEndpoints)
            && current.labels == wanted.labels
            && (current[path: ["metadata", "annotations"]]?.stringMap ?? [:])
                == (wanted[path: ["metadata", "annotations"]]?.stringMap ?? [:])
    }
}
