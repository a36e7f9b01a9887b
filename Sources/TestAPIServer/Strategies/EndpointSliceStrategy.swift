/// EndpointSlices' validation, as kube-apiserver's discovery validation does it, with its limits and messages:
/// at most 1000 endpoints and 100 ports, 1-100 addresses per endpoint of the slice's addressType and outside
/// the special ranges, unique DNS-label port names, a supported protocol, and an immutable addressType.
enum EndpointSliceValidation {
    static let addressTypes = ["FQDN", "IPv4", "IPv6"]
    static let protocols = ["SCTP", "TCP", "UDP"]
    static let maxEndpoints = 1000
    static let maxAddresses = 100
    static let maxPorts = 100

    static func validate(_ slice: JSON, old: JSON? = nil) throws(APIError) {
        var errors: [FieldError] = []
        let addressType = slice["addressType"]?.stringValue ?? ""
        if addressType.isEmpty {
            errors.append(.required("addressType"))
        } else if !addressTypes.contains(addressType) {
            errors.append(.notSupported("addressType", .string(addressType), supported: addressTypes))
        }
        if let old, let oldType = old["addressType"]?.stringValue, oldType != addressType {
            errors.append(.invalid("addressType", .string(addressType), "field is immutable"))
        }
        errors += endpointErrors(slice["endpoints"]?.arrayValue ?? [], addressType: addressType)
        errors += portErrors(slice["ports"]?.arrayValue ?? [])
        if !errors.isEmpty { throw .invalid(.endpointSlices, name: slice.name, errors) }
    }

    private static func endpointErrors(_ endpoints: [JSON], addressType: String) -> [FieldError] {
        guard endpoints.count <= maxEndpoints else {
            return [.tooMany("endpoints", actual: endpoints.count, max: maxEndpoints)]
        }
        var errors: [FieldError] = []
        for (index, endpoint) in endpoints.enumerated() {
            let path = "endpoints[\(index)].addresses"
            let addresses = endpoint["addresses"]?.arrayValue ?? []
            if addresses.isEmpty {
                errors.append(.required(path, "must contain at least 1 address"))
            } else if addresses.count > maxAddresses {
                errors.append(.tooMany(path, actual: addresses.count, max: maxAddresses))
            }
            for (position, value) in addresses.enumerated() {
                let address = value.stringValue ?? ""
                let addressPath = "\(path)[\(position)]"
                switch addressType {
                case "IPv4", "IPv6":
                    // Go parses ::ffff:a.b.c.d as IPv4, so kube refuses it as an IPv6 address.
                    guard let ip = IPAddressText(address), ip.isIPv4 == (addressType == "IPv4"), !ip.wasIPv4Mapped else {
                        errors.append(.invalid(addressPath, .string(address), "must be a valid \(addressType) address"))
                        continue
                    }
                    if let problem = ip.specialRangeProblem(text: address) {
                        errors.append(.invalid(addressPath, .string(address), problem))
                    }
                default:
                    break  // FQDN and unknown types: kube checks FQDNs only loosely, barrelman writes none.
                }
            }
        }
        return errors
    }

    private static func portErrors(_ ports: [JSON]) -> [FieldError] {
        guard ports.count <= maxPorts else { return [.tooMany("ports", actual: ports.count, max: maxPorts)] }
        var errors: [FieldError] = []
        var names = Set<String>()
        for (index, port) in ports.enumerated() {
            let path = "ports[\(index)]"
            let name = port["name"]?.stringValue ?? ""
            if !name.isEmpty && !NameRules.isDNS1123Label(name) {
                errors.append(.invalid("\(path).name", .string(name), NameRules.dns1123LabelMessage))
            }
            if !names.insert(name).inserted { errors.append(.duplicate("\(path).name", .string(name))) }
            guard let protocolName = port["protocol"]?.stringValue else {
                errors.append(.required("\(path).protocol"))
                continue
            }
            if !protocols.contains(protocolName) {
                errors.append(.notSupported("\(path).protocol", .string(protocolName), supported: protocols))
            }
        }
        return errors
    }
}
