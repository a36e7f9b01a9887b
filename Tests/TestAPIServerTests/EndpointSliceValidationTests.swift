import Testing
import TestAPIServer

/// kube-apiserver's EndpointSlice validation, limits and messages included, so clients learn here what a real
/// cluster would refuse.
@Suite("EndpointSlices: validation")
struct EndpointSliceValidationTests {
    let client = TestClient()
    let path = "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices"

    static func slice(
        _ name: String, addressType: String = "IPv4", addresses: [String] = ["10.0.0.1"], ports: Int = 1
    ) -> JSON {
        [
            "metadata": ["name": .string(name)],
            "addressType": .string(addressType),
            "endpoints": .array(addresses.map { ["addresses": [.string($0)]] }),
            "ports": .array((0..<ports).map { ["name": .string("p\($0)"), "port": .int(Int64(1000 + $0)), "protocol": "TCP"] }),
        ]
    }

    @Test func aSliceOf100PortsIsValidAnd101AreTooMany() async {
        #expect(await client.post(path, Self.slice("hundred", ports: 100)).status == 201)
        let reply = await client.post(path, Self.slice("more", ports: 101))
        #expect(reply.status == 422)
        #expect(reply.message == "EndpointSlice.discovery.k8s.io \"more\" is invalid: ports: Too many: 101: must have at most 100 items")
    }

    @Test func addressesMustBeOfTheSlicesFamily() async {
        #expect(await client.post(path, Self.slice("v6", addressType: "IPv6", addresses: ["fd00::1"])).status == 201)
        let mixed = await client.post(path, Self.slice("mixed", addresses: ["10.0.0.1", "fd00::1"]))
        #expect(mixed.status == 422)
        #expect(
            mixed.message
                == "EndpointSlice.discovery.k8s.io \"mixed\" is invalid: endpoints[1].addresses[0]: Invalid value: \"fd00::1\": must be a valid IPv4 address"
        )
        let mapped = await client.post(path, Self.slice("mapped", addressType: "IPv6", addresses: ["::ffff:10.0.0.1"]))
        #expect(mapped.message.hasSuffix("must be a valid IPv6 address"))
    }

    @Test func loopbackAndLinkLocalAddressesAreRefused() async {
        let loopback = await client.post(path, Self.slice("lo", addresses: ["127.0.0.1"]))
        #expect(loopback.status == 422)
        #expect(loopback.message.hasSuffix("\"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)"))
        let linkLocal = await client.post(path, Self.slice("ll", addressType: "IPv6", addresses: ["fe80::1"]))
        #expect(linkLocal.message.hasSuffix("may not be in the link-local range (169.254.0.0/16, fe80::/10)"))
    }

    @Test func addressTypeIsRequiredSupportedAndImmutable() async {
        var untyped = Self.slice("untyped")
        untyped["addressType"] = nil
        #expect(await client.post(path, untyped).message.hasSuffix("addressType: Required value"))
        #expect(
            await client.post(path, Self.slice("odd", addressType: "IPv5")).message.hasSuffix(
                "addressType: Unsupported value: \"IPv5\": supported values: \"FQDN\", \"IPv4\", \"IPv6\""))

        let created = await client.post(path, Self.slice("fixed"))
        var changed = Self.slice("fixed", addressType: "IPv6", addresses: ["fd00::1"])
        changed[path: ["metadata", "resourceVersion"]] = created.json[path: ["metadata", "resourceVersion"]]
        let reply = await client.put(path + "/fixed", changed)
        #expect(reply.status == 422)
        #expect(reply.message.hasSuffix("addressType: Invalid value: \"IPv6\": field is immutable"))
    }

    @Test func namesAreSubdomainsLimitedOnlyAsAWholeTo253() async {
        let long = String(repeating: "s", count: 63) + "-barrelman-ipv4-0"
        #expect(await client.post(path, Self.slice(long)).status == 201, "no 63 limit per dot-separated part")
        let tooLong = String(repeating: "s", count: 254)
        let reply = await client.post(path, Self.slice(tooLong))
        #expect(reply.status == 422)
        #expect(reply.message.hasSuffix("metadata.name: Invalid value: \"\(tooLong)\": must be no more than 253 characters"))
    }

    @Test func anEndpointNeedsAnAddressAndPortNamesAreUnique() async {
        var empty = Self.slice("empty")
        empty["endpoints"] = [["addresses": []]]
        #expect(await client.post(path, empty).message.hasSuffix("endpoints[0].addresses: Required value: must contain at least 1 address"))
        var twice = Self.slice("twice", ports: 2)
        twice[path: ["ports"]] = [["name": "http", "port": 1, "protocol": "TCP"], ["name": "http", "port": 2, "protocol": "TCP"]]
        #expect(await client.post(path, twice).message.hasSuffix("ports[1].name: Duplicate value: \"http\""))
    }
}

@Suite("Services: LoadBalancers without node ports")
struct LoadBalancerNodePortTests {
    let client = TestClient()
    let path = "/api/v1/namespaces/default/services"

    @Test func noNodePortIsAllocatedButARequestedOneIsHonouredAndHeld() async {
        var none = Fixtures.service("none", type: "LoadBalancer")
        none[path: ["spec", "allocateLoadBalancerNodePorts"]] = false
        let plain = await client.post(path, none)
        #expect(plain.status == 201)
        #expect(plain.json[path: ["spec", "ports"]]?.arrayValue?.first?["nodePort"] == nil)

        var some = Fixtures.service("some", type: "LoadBalancer", ports: [["port": 80, "name": "a", "nodePort": 30123], ["port": 81, "name": "b"]])
        some[path: ["spec", "allocateLoadBalancerNodePorts"]] = false
        let partial = await client.post(path, some)
        #expect(partial.status == 201)
        #expect(partial.json[path: ["spec", "ports"]]?.arrayValue?.map { $0["nodePort"] } == [30123, nil])

        let clash = await client.post(path, Fixtures.service("clash", type: "NodePort", ports: [["port": 80, "nodePort": 30123]]))
        #expect(clash.status == 422)
        #expect(clash.message.hasSuffix("spec.ports[0].nodePort: Invalid value: 30123: provided port is already allocated"))
    }
}
