import Testing
import TestAPIServer

/// kube-apiserver's Endpoints validation: addresses in the special ranges (ValidateNonSpecialIP) are refused in
/// Endpoints as in EndpointSlices, so nothing a client writes can point a cluster's proxies at a node's own
/// loopback, link-local or multicast addresses.
@Suite("Endpoints: validation")
struct EndpointsValidationTests {
    let client = TestClient()
    let path = "/api/v1/namespaces/default/endpoints"

    static func endpoints(_ name: String, ready: [String] = [], notReady: [String] = [], ports: [JSON] = [["port": 80]]) -> JSON {
        var subset: JSON = ["ports": .array(ports)]
        if !ready.isEmpty { subset["addresses"] = .array(ready.map { ["ip": .string($0)] }) }
        if !notReady.isEmpty { subset["notReadyAddresses"] = .array(notReady.map { ["ip": .string($0)] }) }
        return ["metadata": ["name": .string(name)], "subsets": [subset]]
    }

    static let special: [(address: String, problem: String)] = [
        ("127.0.0.1", "may not be in the loopback range (127.0.0.0/8, ::1/128)"),
        ("127.255.0.9", "may not be in the loopback range (127.0.0.0/8, ::1/128)"),
        ("::1", "may not be in the loopback range (127.0.0.0/8, ::1/128)"),
        ("::ffff:127.0.0.1", "may not be in the loopback range (127.0.0.0/8, ::1/128)"),
        ("0.0.0.0", "may not be unspecified (0.0.0.0)"),
        ("::", "may not be unspecified (::)"),
        ("169.254.169.254", "may not be in the link-local range (169.254.0.0/16, fe80::/10)"),
        ("fe80::1", "may not be in the link-local range (169.254.0.0/16, fe80::/10)"),
        ("224.0.0.251", "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"),
        ("ff02::1", "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"),
    ]

    @Test(arguments: special)
    func specialAddressesAreRefusedReadyOrNot(address: String, problem: String) async {
        let ready = await client.post(path, Self.endpoints("ready", ready: [address]))
        #expect(ready.status == 422)
        #expect(
            ready.message
                == "Endpoints \"ready\" is invalid: subsets[0].addresses[0].ip: Invalid value: \"\(address)\": \(problem)")
        let notReady = await client.post(path, Self.endpoints("not-ready", ready: ["10.0.0.1"], notReady: [address]))
        #expect(notReady.status == 422)
        #expect(notReady.message.hasPrefix("Endpoints \"not-ready\" is invalid: subsets[0].notReadyAddresses[0].ip"))
    }

    @Test func anUpdateToLoopbackIsRefusedAndTheStoredObjectStays() async {
        let created = await client.post(path, Self.endpoints("e", ready: ["10.0.0.1"]))
        #expect(created.status == 201)
        var changed = created.json
        changed["subsets"] = [["addresses": [["ip": "127.0.0.1"]], "ports": [["port": 80]]]]
        let reply = await client.put(path + "/e", changed)
        #expect(reply.status == 422)
        #expect(reply.message.hasSuffix("\"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)"))
        #expect(client.state.get("endpoints", namespace: "default", name: "e")?["subsets"] == created.json["subsets"])
    }

    @Test func ordinaryAddressesPassAndPortsGetTCP() async {
        let reply = await client.post(path, Self.endpoints("ok", ready: ["10.0.0.1", "fd00::1"], notReady: ["192.168.1.1"]))
        #expect(reply.status == 201)
        #expect(reply.json[path: ["subsets"]]?.arrayValue?.first?["ports"] == [["port": 80, "protocol": "TCP"]])
    }

    @Test func badAddressesEmptySubsetsAndBadPortsAreRefused() async {
        let text = await client.post(path, Self.endpoints("text", ready: ["node-a"]))
        #expect(text.message.hasSuffix("subsets[0].addresses[0].ip: Invalid value: \"node-a\": must be a valid IP address"))
        let empty = await client.post(path, ["metadata": ["name": "empty"], "subsets": [["ports": [["port": 80]]]]])
        #expect(empty.status == 422)
        #expect(empty.message.contains("subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`"))
        let unnamed = await client.post(path, Self.endpoints("unnamed", ready: ["10.0.0.1"], ports: [["port": 80], ["port": 81]]))
        #expect(unnamed.message.contains("subsets[0].ports[0].name: Required value"))
        let range = await client.post(path, Self.endpoints("range", ready: ["10.0.0.1"], ports: [["port": 0]]))
        #expect(range.message.contains("subsets[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"))
        #expect(await client.post(path, ["metadata": ["name": "none"]]).status == 201, "no subsets at all is valid")
    }
}

/// The special ranges in EndpointSlices, for both address types (EndpointSliceValidationTests has the IPv4 cases).
@Suite("EndpointSlices: special IPv6 ranges")
struct EndpointSliceSpecialRangeTests {
    let client = TestClient()
    let path = "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices"

    @Test(arguments: [
        ("IPv6", "::1", "may not be in the loopback range (127.0.0.0/8, ::1/128)"),
        ("IPv6", "::", "may not be unspecified (::)"),
        ("IPv6", "fe80::1", "may not be in the link-local range (169.254.0.0/16, fe80::/10)"),
        ("IPv6", "ff02::2", "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"),
        ("IPv4", "127.1.2.3", "may not be in the loopback range (127.0.0.0/8, ::1/128)"),
        ("IPv4", "0.0.0.0", "may not be unspecified (0.0.0.0)"),
        ("IPv4", "224.0.0.1", "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"),
    ])
    func specialAddressesAreRefused(addressType: String, address: String, problem: String) async {
        let slice: JSON = [
            "metadata": ["name": "s"], "addressType": .string(addressType),
            "endpoints": [["addresses": [.string(address)]]], "ports": [["name": "p", "port": 80, "protocol": "TCP"]],
        ]
        let reply = await client.post(path, slice)
        #expect(reply.status == 422)
        #expect(reply.message.hasSuffix("endpoints[0].addresses[0]: Invalid value: \"\(address)\": \(problem)"))
    }
}
