import KubeAPI

/// Node objects shaped and sized like a GKE node's: addresses, the five kubelet conditions, 40 images,
/// nodeInfo, capacity, ~15 labels and the usual annotations (about 9 KB of JSON each).
public enum RealisticNode {
    public static func name(_ index: Int) -> String { "gke-bench-pool-\(index / 1000)-node-\(index)" }

    /// Its `topology.kubernetes.io/zone`: three zones, round robin.
    public static func zone(_ index: Int) -> String { "europe-west1-\(["b", "c", "d"][index % 3])" }

    /// A distinct InternalIP per node; `generation` moves every address to another range.
    public static func internalIP(_ index: Int, generation: Int = 0) -> String {
        "10.\(generation * 32 + (index >> 16) & 31).\((index >> 8) & 255).\(index & 255)"
    }

    /// The whole node, as the API server returns it.
    public static func json(_ index: Int, ip: String? = nil, ready: Bool = true, resourceVersion: Int? = nil) -> JSONValue {
        var node = body(index, resourceVersion: resourceVersion)
        node["status"] = status(index, ip: ip ?? internalIP(index), ready: ready)
        return .object(node)
    }

    /// apiVersion, kind, metadata and spec: what a create sends.
    public static func body(_ index: Int, resourceVersion: Int? = nil) -> [String: JSONValue] {
        let name = name(index)
        let zone = zone(index)
        var labels: [String: JSONValue] = [
            "beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/instance-type": "e2-standard-4",
            "beta.kubernetes.io/os": "linux", "cloud.google.com/gke-boot-disk": "pd-balanced",
            "cloud.google.com/gke-container-runtime": "containerd", "cloud.google.com/gke-nodepool": .string("pool-\(index / 1000)"),
            "cloud.google.com/gke-os-distribution": "cos", "cloud.google.com/machine-family": "e2",
            "failure-domain.beta.kubernetes.io/region": "europe-west1", "failure-domain.beta.kubernetes.io/zone": .string(zone),
            "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": .string(name), "kubernetes.io/os": "linux",
            "node.kubernetes.io/instance-type": "e2-standard-4", "topology.kubernetes.io/region": "europe-west1",
            "topology.kubernetes.io/zone": .string(zone),
        ]
        labels["cloud.google.com/private-node"] = "false"
        var metadata: [String: JSONValue] = [
            "name": .string(name),
            "labels": .object(labels),
            "annotations": [
                "container.googleapis.com/instance_id": .string("\(7_000_000_000_000_000_000 + index)"),
                "csi.volume.kubernetes.io/nodeid":
                    .string(#"{"pd.csi.storage.gke.io":"projects/bench/zones/\#(zone)/instances/\#(name)"}"#),
                "node.alpha.kubernetes.io/ttl": "0",
                "node.gke.io/last-applied-node-labels": "cloud.google.com/gke-boot-disk=pd-balanced,cloud.google.com/gke-container-runtime=containerd,cloud.google.com/gke-nodepool=pool,cloud.google.com/gke-os-distribution=cos,cloud.google.com/machine-family=e2",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            ],
            "creationTimestamp": "2026-01-01T00:00:00Z",
        ]
        if let resourceVersion {
            metadata["resourceVersion"] = .string(String(resourceVersion))
            metadata["uid"] = .string("00000000-0000-0000-0000-\(String(100_000_000_000 + index))")
        }
        return [
            "apiVersion": "v1", "kind": "Node", "metadata": .object(metadata),
            "spec": [
                "podCIDR": .string("10.64.\(index & 255).0/24"), "podCIDRs": [.string("10.64.\(index & 255).0/24")],
                "providerID": .string("gce://bench/\(zone)/\(name)"),
            ],
        ]
    }

    public static func status(_ index: Int, ip: String, ready: Bool) -> JSONValue {
        let time: JSONValue = "2026-01-01T00:00:00Z"
        func condition(_ type: String, _ status: String, _ reason: String, _ message: String) -> JSONValue {
            ["type": .string(type), "status": .string(status), "reason": .string(reason), "message": .string(message),
             "lastHeartbeatTime": time, "lastTransitionTime": time]
        }
        let images: [JSONValue] = (0..<40).map { image in
            let repository = "europe-docker.pkg.dev/bench/images/component-\(image)"
            return [
                "names": [
                    .string("\(repository)@sha256:\(String(repeating: String(image % 10), count: 64))"),
                    .string("\(repository):v1.\(image).\(index % 7)"),
                ],
                "sizeBytes": .int(Int64(10_000_000 + image * 1_234_567)),
            ]
        }
        return [
            "addresses": [
                ["type": "InternalIP", "address": .string(ip)],
                ["type": "ExternalIP", "address": .string("34.\(76 + (index >> 16) & 31).\((index >> 8) & 255).\(index & 255)")],
                ["type": "Hostname", "address": .string(name(index))],
            ],
            "allocatable": ["cpu": "3920m", "ephemeral-storage": "47060071478", "memory": "13409424Ki", "pods": "110"],
            "capacity": ["cpu": "4", "ephemeral-storage": "98831908Ki", "memory": "16393872Ki", "pods": "110"],
            "conditions": [
                condition("NetworkUnavailable", "False", "RouteCreated", "RouteController created a route"),
                condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                condition("Ready", ready ? "True" : "False", ready ? "KubeletReady" : "KubeletNotReady",
                          ready ? "kubelet is posting ready status. AppArmor enabled" : "container runtime is down"),
            ],
            "daemonEndpoints": ["kubeletEndpoint": ["Port": 10250]],
            "images": .array(images),
            "nodeInfo": [
                "architecture": "amd64", "bootID": .string("boot-\(index)"), "containerRuntimeVersion": "containerd://1.7.24",
                "kernelVersion": "6.1.112+", "kubeProxyVersion": "v1.31.5-gke.1000", "kubeletVersion": "v1.31.5-gke.1000",
                "machineID": .string("machine-\(index)"), "operatingSystem": "linux",
                "osImage": "Container-Optimized OS from Google", "systemUUID": .string("uuid-\(index)"),
            ],
        ]
    }

    /// A `NodeList` of `count` nodes, serialized.
    public static func listBytes(count: Int) -> [UInt8] {
        let list: JSONValue = [
            "apiVersion": "v1", "kind": "NodeList", "metadata": ["resourceVersion": .string(String(count + 1))],
            "items": .array((0..<count).map { json($0, resourceVersion: $0 + 1) }),
        ]
        return JSONDocument.encode(list)
    }

    /// A watch stream of `count` MODIFIED events over `distinct` nodes, newline-delimited as the API server sends it.
    public static func watchStreamBytes(events count: Int, distinct: Int = 1000) -> [UInt8] {
        var bytes: [UInt8] = []
        let templates = (0..<distinct).map { index in JSONDocument.encode(json(index, resourceVersion: index + 1)) }
        for event in 0..<count {
            bytes.append(contentsOf: #"{"type":"MODIFIED","object":"#.utf8)
            bytes.append(contentsOf: templates[event % distinct])
            bytes.append(contentsOf: "}\n".utf8)
        }
        return bytes
    }
}
