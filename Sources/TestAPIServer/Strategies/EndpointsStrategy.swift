/// Endpoints' defaulting and validation, as kube-apiserver's core validation does them, with its messages:
/// every subset has an address, each address is an IP outside the special ranges (ValidateNonSpecialIP:
/// unspecified, loopback, link-local, link-local multicast), ports are in range with a supported protocol
/// (defaulted to TCP) and unique DNS-label names, required once there is more than one port.
enum EndpointsValidation {
    static let protocols = ["SCTP", "TCP", "UDP"]

    /// kube's v1 defaulting: a port without a protocol is TCP.
    static func applyDefaults(_ endpoints: inout JSON) {
        guard var subsets = endpoints["subsets"]?.arrayValue else { return }
        for index in subsets.indices {
            guard var ports = subsets[index]["ports"]?.arrayValue else { continue }
            for portIndex in ports.indices where ports[portIndex]["protocol"] == nil {
                ports[portIndex]["protocol"] = "TCP"
            }
            subsets[index]["ports"] = .array(ports)
        }
        endpoints["subsets"] = .array(subsets)
    }

    static func validate(_ endpoints: JSON) throws(APIError) {
        var errors: [FieldError] = []
        for (index, subset) in (endpoints["subsets"]?.arrayValue ?? []).enumerated() {
            let path = "subsets[\(index)]"
            let ready = subset["addresses"]?.arrayValue ?? []
            let notReady = subset["notReadyAddresses"]?.arrayValue ?? []
            if ready.isEmpty && notReady.isEmpty {
                errors.append(.required(path, "must specify `addresses` or `notReadyAddresses`"))
            }
            for (position, address) in ready.enumerated() {
                errors += addressErrors(address, path: "\(path).addresses[\(position)]")
            }
            for (position, address) in notReady.enumerated() {
                errors += addressErrors(address, path: "\(path).notReadyAddresses[\(position)]")
            }
            errors += portErrors(subset["ports"]?.arrayValue ?? [], path: path)
        }
        if !errors.isEmpty { throw .invalid(.endpoints, name: endpoints.name, errors) }
    }

    private static func addressErrors(_ address: JSON, path: String) -> [FieldError] {
        let text = address["ip"]?.stringValue ?? ""
        guard let ip = IPAddressText(text) else {
            return [.invalid("\(path).ip", .string(text), "must be a valid IP address")]
        }
        guard let problem = ip.specialRangeProblem(text: text) else { return [] }
        return [.invalid("\(path).ip", .string(text), problem)]
    }

    private static func portErrors(_ ports: [JSON], path: String) -> [FieldError] {
        var errors: [FieldError] = []
        var names = Set<String>()
        for (index, port) in ports.enumerated() {
            let portPath = "\(path).ports[\(index)]"
            let name = port["name"]?.stringValue ?? ""
            if ports.count > 1 && name.isEmpty {
                errors.append(.required("\(portPath).name"))
            } else if !name.isEmpty && !NameRules.isDNS1123Label(name) {
                errors.append(.invalid("\(portPath).name", .string(name), NameRules.dns1123LabelMessage))
            }
            if !names.insert(name).inserted { errors.append(.duplicate("\(portPath).name", .string(name))) }
            let number = port["port"]?.intValue ?? 0
            if !(1...65535).contains(number) {
                errors.append(.invalid("\(portPath).port", .int(number), "must be between 1 and 65535, inclusive"))
            }
            let protocolName = port["protocol"]?.stringValue ?? ""
            if !protocols.contains(protocolName) {
                errors.append(.notSupported("\(portPath).protocol", .string(protocolName), supported: protocols))
            }
        }
        return errors
    }
}
