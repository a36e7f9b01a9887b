/// Services' registry strategy: defaults, validation, ClusterIP and NodePort allocation like kube-apiserver's.
extension StoreState {
    static let serviceTypes = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]

    mutating func prepareServiceForCreate(_ object: inout JSON) throws(APIError) {
        object["status"] = ["loadBalancer": [:]]
        var spec = try serviceSpec(object)
        ServiceDefaults.apply(&spec)
        try validateService(spec, name: object.name)
        var allocation = AllocationTransaction()
        do throws(APIError) {
            if ServiceDefaults.needsClusterIP(spec) {
                try allocateClusterIP(&spec, name: object.name, transaction: &allocation)
            } else {
                spec["clusterIP"] = nil
                spec["clusterIPs"] = nil
            }
            if ServiceDefaults.needsNodePorts(spec) || ServiceDefaults.requestsNodePorts(spec) {
                try allocateNodePorts(
                    &spec, oldPorts: [], name: object.name, onlyRequested: !ServiceDefaults.needsNodePorts(spec),
                    transaction: &allocation)
            }
            if ServiceDefaults.needsHealthCheckNodePort(spec) {
                try allocateHealthCheckNodePort(&spec, name: object.name, transaction: &allocation)
            }
        } catch {
            rollBack(allocation)
            throw error
        }
        object["spec"] = spec
    }

    mutating func prepareServiceForUpdate(_ object: inout JSON, old: JSON) throws(APIError) {
        var spec = try serviceSpec(object)
        let oldSpec = old["spec"] ?? [:]
        ServiceDefaults.apply(&spec)
        let name = object.name
        let oldNeedsIP = ServiceDefaults.needsClusterIP(oldSpec)
        let newNeedsIP = ServiceDefaults.needsClusterIP(spec)
        // kube's patchAllocatedValues: an update that omits allocated values keeps them.
        if oldNeedsIP && newNeedsIP {
            if (spec["clusterIP"]?.stringValue ?? "").isEmpty { spec["clusterIP"] = oldSpec["clusterIP"] }
            if (spec["clusterIPs"]?.arrayValue ?? []).isEmpty { spec["clusterIPs"] = oldSpec["clusterIPs"] }
            if spec["ipFamilies"] == nil { spec["ipFamilies"] = oldSpec["ipFamilies"] }
            if spec["ipFamilyPolicy"] == nil { spec["ipFamilyPolicy"] = oldSpec["ipFamilyPolicy"] }
        }
        if !newNeedsIP && oldNeedsIP && spec["clusterIP"] == oldSpec["clusterIP"] {
            spec["clusterIP"] = nil
            spec["clusterIPs"] = nil
            spec["ipFamilies"] = nil
            spec["ipFamilyPolicy"] = nil
        }
        let oldPorts = ServiceDefaults.nodePorts(oldSpec)
        let oldNeedsHealthCheck = ServiceDefaults.needsHealthCheckNodePort(oldSpec)
        let newNeedsHealthCheck = ServiceDefaults.needsHealthCheckNodePort(spec)
        let oldHealthCheck = ServiceDefaults.healthCheckNodePort(oldSpec)
        if oldNeedsHealthCheck && newNeedsHealthCheck && ServiceDefaults.healthCheckNodePort(spec) == 0 {
            spec["healthCheckNodePort"] = oldSpec["healthCheckNodePort"]
        } else if oldNeedsHealthCheck && !newNeedsHealthCheck && ServiceDefaults.healthCheckNodePort(spec) == oldHealthCheck {
            spec["healthCheckNodePort"] = nil
        }
        if ServiceDefaults.needsNodePorts(spec) {
            ServiceDefaults.keepAllocatedNodePorts(&spec, old: oldSpec)
        } else if ServiceDefaults.needsNodePorts(oldSpec) {
            ServiceDefaults.dropUnchangedNodePorts(&spec, old: oldSpec)
        }
        try validateService(spec, name: name)
        if oldNeedsIP && newNeedsIP {
            let oldIP = oldSpec["clusterIP"]?.stringValue ?? ""
            let newIP = spec["clusterIP"]?.stringValue ?? ""
            if oldIP != newIP {
                throw .invalid(.services, name: name, [.invalid("spec.clusterIP", .string(newIP), "field is immutable")])
            }
        }
        if oldNeedsHealthCheck && newNeedsHealthCheck && ServiceDefaults.healthCheckNodePort(spec) != oldHealthCheck {
            throw .invalid(
                .services, name: name,
                [.invalid("spec.healthCheckNodePort", spec["healthCheckNodePort"] ?? 0, "field is immutable")])
        }
        var allocation = AllocationTransaction()
        do throws(APIError) {
            if newNeedsIP && !oldNeedsIP {
                try allocateClusterIP(&spec, name: name, transaction: &allocation)
            }
            if ServiceDefaults.needsNodePorts(spec) || ServiceDefaults.requestsNodePorts(spec) {
                try allocateNodePorts(
                    &spec, oldPorts: oldPorts, name: name, onlyRequested: !ServiceDefaults.needsNodePorts(spec),
                    transaction: &allocation)
            }
            if newNeedsHealthCheck && !oldNeedsHealthCheck {
                try allocateHealthCheckNodePort(&spec, name: name, transaction: &allocation)
            }
        } catch {
            rollBack(allocation)
            throw error
        }
        // The update stands: give back what the old object held and the new one doesn't.
        if oldNeedsIP && !newNeedsIP, let oldIP = oldSpec["clusterIP"]?.stringValue { clusterIPs.release(oldIP) }
        let newPorts = Set(ServiceDefaults.nodePorts(spec))
        for port in oldPorts where !newPorts.contains(port) { nodePorts.release(port) }
        if oldNeedsHealthCheck && !newNeedsHealthCheck && oldHealthCheck != 0 { nodePorts.release(oldHealthCheck) }
        object["spec"] = spec
    }

    /// Gives back a deleted service's ClusterIP and node ports.
    mutating func releaseServiceAllocations(_ object: JSON) {
        let spec = object["spec"] ?? [:]
        if let ip = spec["clusterIP"]?.stringValue { clusterIPs.release(ip) }
        for port in ServiceDefaults.nodePorts(spec) { nodePorts.release(port) }
        let healthCheck = ServiceDefaults.healthCheckNodePort(spec)
        if healthCheck != 0 { nodePorts.release(healthCheck) }
    }

    private func serviceSpec(_ object: JSON) throws(APIError) -> JSON {
        guard let spec = object["spec"] else { return [:] }
        guard case .object = spec else {
            throw .invalid(.services, name: object.name, [.invalid("spec", spec, "must be an object")])
        }
        return spec
    }

    private func validateService(_ spec: JSON, name: String) throws(APIError) {
        var errors: [FieldError] = []
        let type = spec["type"]?.stringValue ?? "ClusterIP"
        if !Self.serviceTypes.contains(type) {
            errors.append(.notSupported("spec.type", spec["type"] ?? .null, supported: Self.serviceTypes))
        }
        let ports = spec["ports"]?.arrayValue ?? []
        if type == "ExternalName" {
            if (spec["externalName"]?.stringValue ?? "").isEmpty { errors.append(.required("spec.externalName")) }
        } else if ports.isEmpty && spec["clusterIP"]?.stringValue != "None" {
            errors.append(.required("spec.ports"))
        }
        var names: Set<String> = []
        for (index, port) in ports.enumerated() {
            let path = "spec.ports[\(index)]"
            let portName = port["name"]?.stringValue ?? ""
            if ports.count > 1 && portName.isEmpty { errors.append(.required("\(path).name")) }
            if !portName.isEmpty && !names.insert(portName).inserted {
                errors.append(.duplicate("\(path).name", .string(portName)))
            }
            let number = port["port"]?.intValue ?? 0
            if !(1...65535).contains(number) {
                errors.append(.invalid("\(path).port", port["port"] ?? 0, "must be between 1 and 65535, inclusive"))
            }
            let protocolName = port["protocol"]?.stringValue ?? "TCP"
            if !["TCP", "UDP", "SCTP"].contains(protocolName) {
                errors.append(
                    .notSupported("\(path).protocol", .string(protocolName), supported: ["SCTP", "TCP", "UDP"]))
            }
            if let target = port["targetPort"]?.intValue, !(1...65535).contains(target) {
                errors.append(
                    .invalid("\(path).targetPort", port["targetPort"] ?? 0, "must be between 1 and 65535, inclusive"))
            }
            if let nodePort = port["nodePort"]?.intValue, nodePort != 0, type == "ClusterIP" {
                errors.append(.forbidden("\(path).nodePort", "may not be used when `type` is 'ClusterIP'"))
            }
        }
        if let healthCheck = spec["healthCheckNodePort"], (healthCheck.intValue ?? 0) != 0,
            !ServiceDefaults.needsHealthCheckNodePort(spec)
        {
            errors.append(
                .invalid(
                    "spec.healthCheckNodePort", healthCheck,
                    "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"))
        }
        if spec["loadBalancerClass"] != nil, type != "LoadBalancer" {
            errors.append(.forbidden("spec.loadBalancerClass", "may only be used when `type` is 'LoadBalancer'"))
        }
        if spec["clusterIP"]?.stringValue == "None" && (type == "NodePort" || type == "LoadBalancer") {
            errors.append(
                .invalid("spec.clusterIPs[0]", "None", "may not be set to 'None' for \(type) services"))
        }
        if !errors.isEmpty { throw .invalid(.services, name: name, errors) }
    }

    private mutating func allocateClusterIP(_ spec: inout JSON, name: String, transaction: inout AllocationTransaction)
        throws(APIError)
    {
        let requested =
            spec["clusterIP"]?.stringValue ?? spec["clusterIPs"]?.arrayValue?.first?.stringValue ?? ""
        spec["ipFamilies"] = spec["ipFamilies"] ?? ["IPv4"]
        spec["ipFamilyPolicy"] = spec["ipFamilyPolicy"] ?? "SingleStack"
        if requested == "None" {
            spec["clusterIP"] = "None"
            spec["clusterIPs"] = ["None"]
            return
        }
        let address: String
        if requested.isEmpty {
            do {
                address = try clusterIPs.allocateNext()
            } catch {
                throw .internalError("failed to allocate a serviceIP: range is full")
            }
        } else {
            guard ClusterIPAllocator.parse(requested) != nil else {
                throw .invalid(
                    .services, name: name,
                    [.invalid("spec.clusterIPs[0]", .string(requested), "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")])
            }
            do {
                try clusterIPs.allocate(requested)
            } catch {
                let reason: String
                switch error {
                case .alreadyAllocated: reason = "provided IP is already allocated"
                case .notInRange, .full:
                    reason =
                        "the provided IP (\(requested)) is not in the valid range. The range of valid IPs is \(clusterIPs.cidr)"
                }
                throw .invalid(
                    .services, name: name,
                    [.invalid("spec.clusterIPs", .array([.string(requested)]), "failed to allocate IP \(requested): \(reason)")])
            }
            address = requested
        }
        transaction.clusterIPs.append(address)
        spec["clusterIP"] = .string(address)
        spec["clusterIPs"] = [.string(address)]
    }

    /// `onlyRequested`: a LoadBalancer with `allocateLoadBalancerNodePorts: false` gets the node ports it asks
    /// for and no others.
    private mutating func allocateNodePorts(
        _ spec: inout JSON, oldPorts: [Int], name: String, onlyRequested: Bool = false,
        transaction: inout AllocationTransaction
    ) throws(APIError) {
        guard var ports = spec["ports"]?.arrayValue else { return }
        var held = Set(oldPorts)
        for index in ports.indices {
            let requested = Int(ports[index]["nodePort"]?.intValue ?? 0)
            if requested == 0 && onlyRequested { continue }
            if requested == 0 {
                ports[index]["nodePort"] = .int(Int64(try allocateNextNodePort(&transaction)))
                continue
            }
            if held.remove(requested) != nil { continue }  // already this service's
            try allocateRequestedNodePort(requested, transaction: &transaction) { detail in
                .invalid(.services, name: name, [.invalid("spec.ports[\(index)].nodePort", .int(Int64(requested)), detail)])
            }
        }
        spec["ports"] = .array(ports)
    }

    /// kube-proxy's health check port of a LoadBalancer service with `externalTrafficPolicy: Local`, from the
    /// node port range, as kube-apiserver allocates it.
    private mutating func allocateHealthCheckNodePort(
        _ spec: inout JSON, name: String, transaction: inout AllocationTransaction
    ) throws(APIError) {
        let requested = ServiceDefaults.healthCheckNodePort(spec)
        guard requested != 0 else {
            spec["healthCheckNodePort"] = .int(Int64(try allocateNextNodePort(&transaction)))
            return
        }
        try allocateRequestedNodePort(requested, transaction: &transaction) { detail in
            .invalid(
                .services, name: name,
                [
                    .invalid(
                        "spec.healthCheckNodePort", .int(Int64(requested)),
                        "failed to allocate requested HealthCheck NodePort \(requested): \(detail)")
                ])
        }
    }

    private mutating func allocateNextNodePort(_ transaction: inout AllocationTransaction) throws(APIError) -> Int {
        do {
            let port = try nodePorts.allocateNext()
            transaction.nodePorts.append(port)
            return port
        } catch {
            throw .internalError("failed to allocate a nodePort: range is full")
        }
    }

    /// Takes `port` from the range; `invalid` words the refusal for the field that asked for it.
    private mutating func allocateRequestedNodePort(
        _ port: Int, transaction: inout AllocationTransaction, invalid: (String) -> APIError
    ) throws(APIError) {
        do {
            try nodePorts.allocate(port)
            transaction.nodePorts.append(port)
        } catch {
            switch error {
            case .alreadyAllocated: throw invalid("provided port is already allocated")
            case .notInRange, .full:
                throw invalid(
                    "provided port is not in the valid range. The range of valid ports is "
                        + "\(nodePorts.range.lowerBound)-\(nodePorts.range.upperBound)")
            }
        }
    }

    private mutating func rollBack(_ transaction: AllocationTransaction) {
        for ip in transaction.clusterIPs { clusterIPs.release(ip) }
        for port in transaction.nodePorts { nodePorts.release(port) }
    }
}

/// What one write allocated, so a failing write can give it back.
struct AllocationTransaction {
    var clusterIPs: [String] = []
    var nodePorts: [Int] = []
}

/// kube's service defaulting and the rules for which fields a type uses.
enum ServiceDefaults {
    static func apply(_ spec: inout JSON) {
        if (spec["type"]?.stringValue ?? "").isEmpty { spec["type"] = "ClusterIP" }
        if spec["sessionAffinity"] == nil { spec["sessionAffinity"] = "None" }
        let type = spec["type"]?.stringValue ?? "ClusterIP"
        if type != "ExternalName" && spec["internalTrafficPolicy"] == nil { spec["internalTrafficPolicy"] = "Cluster" }
        if (type == "NodePort" || type == "LoadBalancer") && spec["externalTrafficPolicy"] == nil {
            spec["externalTrafficPolicy"] = "Cluster"
        }
        if type == "LoadBalancer" && spec["allocateLoadBalancerNodePorts"] == nil {
            spec["allocateLoadBalancerNodePorts"] = true
        }
        if var ports = spec["ports"]?.arrayValue {
            for index in ports.indices {
                if (ports[index]["protocol"]?.stringValue ?? "").isEmpty { ports[index]["protocol"] = "TCP" }
                let target = ports[index]["targetPort"]
                if target == nil || target == .int(0) || target == .string("") {
                    ports[index]["targetPort"] = ports[index]["port"]
                }
            }
            spec["ports"] = .array(ports)
        }
    }

    static func needsClusterIP(_ spec: JSON) -> Bool {
        (spec["type"]?.stringValue ?? "ClusterIP") != "ExternalName"
    }

    static func needsNodePorts(_ spec: JSON) -> Bool {
        let type = spec["type"]?.stringValue ?? "ClusterIP"
        return type == "NodePort" || (type == "LoadBalancer" && spec["allocateLoadBalancerNodePorts"] != false)
    }

    /// kube-proxy answers a health check node port only for these.
    static func needsHealthCheckNodePort(_ spec: JSON) -> Bool {
        spec["type"]?.stringValue == "LoadBalancer" && spec["externalTrafficPolicy"]?.stringValue == "Local"
    }

    static func healthCheckNodePort(_ spec: JSON) -> Int {
        Int(spec["healthCheckNodePort"]?.intValue ?? 0)
    }

    /// A LoadBalancer that allocates no node ports may still ask for some (kube respects them).
    static func requestsNodePorts(_ spec: JSON) -> Bool {
        spec["type"]?.stringValue == "LoadBalancer" && !nodePorts(spec).isEmpty
    }

    static func nodePorts(_ spec: JSON) -> [Int] {
        (spec["ports"]?.arrayValue ?? []).compactMap { port in
            guard let value = port["nodePort"]?.intValue, value != 0 else { return nil }
            return Int(value)
        }
    }

    /// A port without nodePort keeps the one the old object had for the same port and protocol.
    static func keepAllocatedNodePorts(_ spec: inout JSON, old: JSON) {
        guard var ports = spec["ports"]?.arrayValue else { return }
        let oldPorts = old["ports"]?.arrayValue ?? []
        for index in ports.indices where (ports[index]["nodePort"]?.intValue ?? 0) == 0 {
            let match = oldPorts.first {
                $0["port"] == ports[index]["port"]
                    && ($0["protocol"]?.stringValue ?? "TCP") == (ports[index]["protocol"]?.stringValue ?? "TCP")
            }
            if let nodePort = match?["nodePort"], (nodePort.intValue ?? 0) != 0 { ports[index]["nodePort"] = nodePort }
        }
        spec["ports"] = .array(ports)
    }

    /// Changing to a type without node ports drops the ones the client just carried over.
    static func dropUnchangedNodePorts(_ spec: inout JSON, old: JSON) {
        guard var ports = spec["ports"]?.arrayValue else { return }
        let oldNodePorts = Set(nodePorts(old))
        for index in ports.indices {
            if let value = ports[index]["nodePort"]?.intValue, value == 0 || oldNodePorts.contains(Int(value)) {
                ports[index]["nodePort"] = nil
            }
        }
        spec["ports"] = .array(ports)
    }
}
