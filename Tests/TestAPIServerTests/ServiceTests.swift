import Testing
import TestAPIServer

@Suite("Services: defaults and allocation")
struct ServiceTests {
    let client = TestClient()
    let path = "/api/v1/namespaces/default/services"

    @Test func clusterIPServiceGetsDefaultsAndAnAddressFromTheRange() async {
        let reply = await client.post(path, Fixtures.service("web", ports: [["port": 8080, "name": "http"]]))
        #expect(reply.status == 201)
        let spec = reply.json["spec"] ?? .null
        #expect(spec["type"] == "ClusterIP")
        #expect(spec["sessionAffinity"] == "None")
        #expect(spec["ipFamilies"] == ["IPv4"])
        #expect(spec["ipFamilyPolicy"] == "SingleStack")
        let ip = spec["clusterIP"]?.stringValue ?? ""
        #expect(ip.hasPrefix("10.9") && ip != "10.96.0.0" && ip != "10.96.0.1")
        #expect(spec["clusterIPs"] == [.string(ip)])
        #expect(spec["ports"] == [["port": 8080, "name": "http", "protocol": "TCP", "targetPort": 8080]])
        #expect(reply.json["status"] == ["loadBalancer": [:]])
    }

    @Test func headlessAndExternalNameServicesGetNoAddress() async {
        var headless = Fixtures.service("headless")
        headless[path: ["spec", "clusterIP"]] = "None"
        let reply = await client.post(path, headless)
        #expect(reply.json[path: ["spec", "clusterIPs"]] == ["None"])

        let external = await client.post(
            path,
            ["metadata": ["name": "ext"], "spec": ["type": "ExternalName", "externalName": "example.com"]])
        #expect(external.status == 201)
        #expect(external.json[path: ["spec", "clusterIP"]] == nil)
    }

    @Test func requestedClusterIPIsHonouredAndDuplicatesRejected() async {
        var first = Fixtures.service("a")
        first[path: ["spec", "clusterIP"]] = "10.96.0.50"
        #expect(await client.post(path, first).json[path: ["spec", "clusterIP"]] == "10.96.0.50")
        var second = Fixtures.service("b")
        second[path: ["spec", "clusterIP"]] = "10.96.0.50"
        let reply = await client.post(path, second)
        #expect(reply.status == 422)
        #expect(
            reply.message
                == "Service \"b\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.96.0.50\"}: failed to allocate IP 10.96.0.50: provided IP is already allocated"
        )
    }

    @Test func localLoadBalancersGetAHealthCheckNodePortThatOnlyTheyMayHave() async {
        var local = Fixtures.service("lb", type: "LoadBalancer")
        local[path: ["spec", "externalTrafficPolicy"]] = "Local"
        let created = await client.post(path, local)
        #expect(created.status == 201)
        let healthCheck = created.json[path: ["spec", "healthCheckNodePort"]]?.intValue ?? 0
        #expect((30000...32767).contains(healthCheck))
        let nodePort = created.json[path: ["spec", "ports"]]?.arrayValue?.first?["nodePort"]?.intValue ?? 0
        #expect(healthCheck != nodePort, "one range, no port twice")

        #expect(await client.post(path, Fixtures.service("cluster-lb", type: "LoadBalancer")).json[path: ["spec", "healthCheckNodePort"]] == nil)
        var nodePortLocal = Fixtures.service("np-local", type: "NodePort")
        nodePortLocal[path: ["spec", "externalTrafficPolicy"]] = "Local"
        #expect(await client.post(path, nodePortLocal).json[path: ["spec", "healthCheckNodePort"]] == nil)

        var classed = Fixtures.service("classed", type: "NodePort")
        classed[path: ["spec", "loadBalancerClass"]] = "example.com/none"
        let refused = await client.post(path, classed)
        #expect(
            refused.message
                == "Service \"classed\" is invalid: spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'"
        )

        var wrong = Fixtures.service("wrong", type: "NodePort")
        wrong[path: ["spec", "healthCheckNodePort"]] = 31999
        let rejected = await client.post(path, wrong)
        #expect(rejected.status == 422)
        #expect(
            rejected.message
                == "Service \"wrong\" is invalid: spec.healthCheckNodePort: Invalid value: 31999: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"
        )
    }

    @Test func nodePortServicesGetPortsFromTheRangeAndDuplicatesAreInvalid() async {
        let allocated = await client.post(path, Fixtures.service("np", type: "NodePort"))
        let nodePort = allocated.json[path: ["spec", "ports"]]?.arrayValue?.first?["nodePort"]?.intValue ?? 0
        #expect((30000...32767).contains(nodePort))
        #expect(allocated.json[path: ["spec", "externalTrafficPolicy"]] == "Cluster")

        let requested = await client.post(
            path, Fixtures.service("fixed", type: "NodePort", ports: [["port": 80, "nodePort": 30080]]))
        #expect(requested.json[path: ["spec", "ports"]]?.arrayValue?.first?["nodePort"] == 30080)

        let duplicate = await client.post(
            path, Fixtures.service("clash", type: "NodePort", ports: [["port": 80, "nodePort": 30080]]))
        #expect(duplicate.status == 422)
        #expect(
            duplicate.message
                == "Service \"clash\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated"
        )
        #expect(
            duplicate.json[path: ["details", "causes"]] == [
                [
                    "reason": "FieldValueInvalid", "field": "spec.ports[0].nodePort",
                    "message": "Invalid value: 30080: provided port is already allocated",
                ]
            ])
        // The failed create allocated nothing: its ClusterIP is free again.
        #expect(client.state.get("services", namespace: "default", name: "clash") == nil)
    }

    @Test func loadBalancerServicesGetNodePortsToo() async {
        let reply = await client.post(path, Fixtures.service("lb", type: "LoadBalancer"))
        #expect(reply.json[path: ["spec", "ports"]]?.arrayValue?.first?["nodePort"] != nil)
    }

    @Test func deletingAServiceReleasesItsNodePort() async {
        _ = await client.post(path, Fixtures.service("one", type: "NodePort", ports: [["port": 80, "nodePort": 30100]]))
        _ = await client.delete("\(path)/one")
        let reuse = await client.post(
            path, Fixtures.service("two", type: "NodePort", ports: [["port": 80, "nodePort": 30100]]))
        #expect(reuse.status == 201)
    }

    @Test func changingTypeToClusterIPDropsAndReleasesNodePorts() async {
        let created = await client.post(
            path, Fixtures.service("flip", type: "NodePort", ports: [["port": 80, "nodePort": 30200]])).json
        var clusterIP = created
        clusterIP[path: ["spec", "type"]] = "ClusterIP"
        let updated = await client.put("\(path)/flip", clusterIP)
        #expect(updated.status == 200)
        #expect(updated.json[path: ["spec", "ports"]]?.arrayValue?.first?["nodePort"] == nil)
        let reuse = await client.post(
            path, Fixtures.service("taker", type: "NodePort", ports: [["port": 80, "nodePort": 30200]]))
        #expect(reuse.status == 201)
    }

    @Test func clusterIPIsImmutableButMayBeOmittedOnUpdate() async {
        let created = await client.post(path, Fixtures.service("imm")).json
        let ip = created[path: ["spec", "clusterIP"]]?.stringValue ?? ""

        var omitted = created
        omitted[path: ["spec", "clusterIP"]] = nil
        omitted[path: ["spec", "clusterIPs"]] = nil
        omitted[path: ["spec", "ports"]] = [["port": 81]]
        let kept = await client.put("\(path)/imm", omitted)
        #expect(kept.status == 200)
        #expect(kept.json[path: ["spec", "clusterIP"]]?.stringValue == ip)

        var changed = kept.json
        changed[path: ["spec", "clusterIP"]] = "10.96.0.77"
        changed[path: ["spec", "clusterIPs"]] = ["10.96.0.77"]
        let rejected = await client.put("\(path)/imm", changed)
        #expect(rejected.status == 422)
        #expect(rejected.message == "Service \"imm\" is invalid: spec.clusterIP: Invalid value: \"10.96.0.77\": field is immutable")
    }

    @Test func updateOmittingNodePortsKeepsTheAllocatedOnes() async {
        let created = await client.post(path, Fixtures.service("keep", type: "NodePort")).json
        let nodePort = created[path: ["spec", "ports"]]?.arrayValue?.first?["nodePort"]
        var body = created
        body[path: ["spec", "ports"]] = [["port": 80]]
        let updated = await client.put("\(path)/keep", body)
        #expect(updated.json[path: ["spec", "ports"]]?.arrayValue?.first?["nodePort"] == nodePort)
    }

    @Test func invalidPortsAreRejectedWithCauses() async {
        let reply = await client.post(path, Fixtures.service("bad", ports: [["port": 70000]]))
        #expect(reply.status == 422)
        // Defaulting copies the port into targetPort before validation, so kube reports both.
        #expect(
            reply.message
                == "Service \"bad\" is invalid: [spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive, spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive]")
        let forbidden = await client.post(path, Fixtures.service("cip", ports: [["port": 80, "nodePort": 30300]]))
        #expect(forbidden.status == 422)
        let noPorts = await client.post(path, Fixtures.service("none", ports: []))
        #expect(noPorts.message == "Service \"none\" is invalid: spec.ports: Required value")
    }
}
