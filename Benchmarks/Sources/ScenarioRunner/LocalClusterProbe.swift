import TestAPIServer

/// Reads the local test server's state directly (no HTTP): cheap enough to poll every few milliseconds.
struct LocalClusterProbe {
    let state: APIServerState
    let namespace: String

    /// Number of services in the namespace whose EndpointSlices hold `nodes` endpoints in total.
    func servicesWithAllEndpoints(nodes: Int) -> Int {
        var endpointsPerService: [String: Int] = [:]
        for slice in state.list("endpointslices", namespace: namespace) {
            guard let service = slice[path: ["metadata", "labels", "kubernetes.io/service-name"]]?.stringValue else { continue }
            endpointsPerService[service, default: 0] += slice["endpoints"]?.arrayValue?.count ?? 0
        }
        return endpointsPerService.values.count { $0 == nodes }
    }

    var serviceCount: Int { state.list("services", namespace: namespace).count }

    /// Number of services with exactly `count` ready endpoints, none of them in `zone`.
    func servicesReadyOutside(zone: String, count: Int) -> Int {
        var ready: [String: Int] = [:]
        var inZone: Set<String> = []
        for slice in state.list("endpointslices", namespace: namespace) {
            guard let service = slice[path: ["metadata", "labels", "kubernetes.io/service-name"]]?.stringValue else { continue }
            for endpoint in slice["endpoints"]?.arrayValue ?? [] where endpoint[path: ["conditions", "ready"]] == .bool(true) {
                ready[service, default: 0] += 1
                if endpoint["zone"]?.stringValue == zone { inZone.insert(service) }
            }
        }
        return ready.count { $0.value == count && !inZone.contains($0.key) }
    }

    /// Number of services whose slices have an endpoint at `address`, and whether any slice still has `stale`.
    func servicesReaching(_ address: String, stale: String) -> (reaching: Int, staleLeft: Bool) {
        var services: Set<String> = []
        var staleLeft = false
        for slice in state.list("endpointslices", namespace: namespace) {
            guard let service = slice[path: ["metadata", "labels", "kubernetes.io/service-name"]]?.stringValue else { continue }
            for endpoint in slice["endpoints"]?.arrayValue ?? [] {
                for case .string(let value) in endpoint["addresses"]?.arrayValue ?? [] {
                    if value == address { services.insert(service) }
                    if value == stale { staleLeft = true }
                }
            }
        }
        return (services.count, staleLeft)
    }

    /// The local service's targetPort for the port named `portName`.
    func targetPort(service: String, portName: String) -> Int64? {
        guard let service = state.get("services", namespace: namespace, name: service) else { return nil }
        for port in service[path: ["spec", "ports"]]?.arrayValue ?? [] where port["name"]?.stringValue == portName {
            return port["targetPort"]?.intValue
        }
        return nil
    }
}
