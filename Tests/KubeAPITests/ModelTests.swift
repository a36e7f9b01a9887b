import Testing
@testable import KubeAPI

/// Decodes `text` as `T`, encodes it, decodes that again: what a client reads back after writing.
private func roundTrip<T: JSONCodable & Equatable>(_ value: T) throws -> T {
    try JSONDocument.decode(T.self, from: JSONDocument.encode(value))
}

@Suite struct IntOrStringTests {
    @Test func decodesBothForms() throws {
        #expect(try JSONDocument.decode([IntOrString].self, from: #"[8080, "http"]"#) == [.int(8080), .string("http")])
    }

    @Test func encodesBothForms() {
        #expect(JSONDocument.encodeString([IntOrString.int(8080), "http"]) == #"[8080,"http"]"#)
    }

    @Test func rejectsOtherTypes() {
        #expect(throws: JSONDecodingError("expected an integer or a string, found bool")) {
            try JSONDocument.decode(IntOrString.self, from: "true")
        }
    }
}

@Suite struct ServiceModelTests {
    @Test func decodesARealService() throws {
        let service = try JSONDocument.decode(Service.self, from: ModelFixtures.service)
        #expect(service.metadata.name == "web")
        #expect(service.metadata.namespace == "shop")
        #expect(service.spec.type == .nodePort)
        #expect(service.spec.selector == ["app": "web"])
        #expect(service.spec.clusterIPs == ["10.96.12.34"])
        #expect(service.spec.ipFamilies == ["IPv4"])
        #expect(service.spec.ipFamilyPolicy == "SingleStack")
        #expect(service.spec.externalTrafficPolicy == "Cluster")
        #expect(service.spec.ports == [
            ServicePort(name: "http", protocol: "TCP", port: 80, targetPort: 8080, nodePort: 30080),
            ServicePort(name: "https", port: 443, targetPort: "https", nodePort: 30443, appProtocol: "https"),
        ])
        #expect(service.spec.ports[1].effectiveProtocol == "TCP")
        #expect(service.status.loadBalancer.ingress.isEmpty)
    }

    @Test func roundTrips() throws {
        let service = try JSONDocument.decode(Service.self, from: ModelFixtures.service)
        #expect(try roundTrip(service) == service)
    }

    @Test func encodesWhatTheServerAcceptsAndOmitsEmptyFields() {
        let service = Service(
            metadata: ObjectMeta(name: "web", namespace: "shop"),
            spec: ServiceSpec(type: .nodePort, ports: [ServicePort(port: 80, targetPort: 8080)], selector: ["app": "web"]))
        #expect(
            JSONDocument.encodeString(service)
                == #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"shop"},"#
                + #""spec":{"ports":[{"port":80,"targetPort":8080}],"selector":{"app":"web"},"type":"NodePort"}}"#)
    }

    @Test func defaultsAnAbsentTypeToClusterIPAndAbsentCollectionsToEmpty() throws {
        let service = try JSONDocument.decode(Service.self, from: #"{"metadata":{"name":"x"},"spec":{"ports":null}}"#)
        #expect(service.spec == ServiceSpec())
    }

    @Test func keepsUnknownServiceTypes() throws {
        let service = try JSONDocument.decode(Service.self, from: #"{"spec":{"type":"Future"}}"#)
        #expect(service.spec.type == ServiceType(rawValue: "Future"))
        #expect(try roundTrip(service) == service)
    }

    @Test func errorsNameTheFieldPath() {
        let wrongType = #"{"spec":{"ports":[{"port":80},{"port":"443"}]}}"#
        #expect(throws: JSONDecodingError(path: ["spec", "ports", "[1]", "port"], "expected an integer, found string")) {
            try JSONDocument.decode(Service.self, from: wrongType)
        }
        let missing = #"{"spec":{"ports":[{"port":80},{"name":"https"}]}}"#
        do {
            _ = try JSONDocument.decode(Service.self, from: missing)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "spec.ports[1].port: required field is missing")
        }
        #expect(throws: JSONDecodingError(path: ["spec", "ports", "[0]", "nodePort"], "integer 4294967296 does not fit in 32 bits")) {
            try JSONDocument.decode(Service.self, from: #"{"spec":{"ports":[{"port":80,"nodePort":4294967296}]}}"#)
        }
    }
}

@Suite struct NodeModelTests {
    @Test func theFixtureIsARealisticallyLargeNode() {
        #expect(ModelFixtures.node().utf8.count > 14_000)
    }

    @Test func decodesTheFullNode() throws {
        let node = try JSONDocument.decode(Node.self, from: ModelFixtures.node())
        #expect(node.metadata.name == "ip-10-0-1-23.eu-west-1.compute.internal")
        #expect(node.metadata.labels.count == 13)
        #expect(node.spec.providerID == "aws:///eu-west-1a/i-0123456789abcdef0")
        #expect(node.spec.unschedulable == false)
        #expect(node.spec.taints == [
            Taint(key: "dedicated", value: "edge", effect: "NoSchedule"),
            Taint(key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: "2024-03-01T11:59:00Z"),
        ])
        #expect(node.status.addresses.first == NodeAddress(type: "InternalIP", address: "10.0.1.23"))
        #expect(node.status.conditions.count == 4)
        #expect(node.status.condition(ofType: "Ready")?.status == "True")
        #expect(node.status.condition(ofType: "Ready")?.reason == "KubeletReady")
        #expect(node.status.nodeInfo == NodeSystemInfo(
            kubeletVersion: "v1.29.0-eks-5e0fdde", osImage: "Amazon Linux 2", architecture: "amd64"))
        #expect(try roundTrip(node) == node)
    }

    @Test func summaryKeepsOnlyWhatRoutingNeeds() throws {
        let summary = try JSONDocument.decode(NodeSummary.self, from: ModelFixtures.node())
        #expect(summary.metadata == ObjectMeta(
            name: "ip-10-0-1-23.eu-west-1.compute.internal", uid: "0b7c3a52-8d8e-4d5f-a8e5-0f4d9a0c7e11",
            resourceVersion: "987654",
            labels: [
                "topology.kubernetes.io/zone": "eu-west-1a",
                "topology.kubernetes.io/region": "eu-west-1",
                "node.kubernetes.io/exclude-from-external-load-balancers": "",
                "kubernetes.io/hostname": "ip-10-0-1-23",
            ]))
        #expect(summary.unschedulable == false)
        #expect(summary.addresses.count == 4)
        #expect(summary.address(ofType: "InternalIP") == "10.0.1.23")
        #expect(summary.address(ofType: "ExternalIP") == "203.0.113.23")
        #expect(summary.address(ofType: "ExternalDNS") == nil)
        #expect(summary.zone == "eu-west-1a")
        #expect(summary.region == "eu-west-1")
        #expect(summary.isExcludedFromExternalLoadBalancers)
        #expect(summary.ready == .true)
        #expect(summary.networkUnavailable == nil)
        #expect(summary.isReady)
    }

    @Test func summaryRoundTripsAsNodeShapedJSON() throws {
        let summary = try JSONDocument.decode(NodeSummary.self, from: ModelFixtures.node())
        #expect(try roundTrip(summary) == summary)
        let asNode = try JSONDocument.decode(Node.self, from: JSONDocument.encode(summary))
        #expect(asNode.status.condition(ofType: "Ready")?.status == "True")
        #expect(asNode.status.addresses == summary.addresses)
    }

    /// The original program read only the first of the two conditions and called such nodes not ready.
    @Test func readinessDoesNotDependOnConditionOrder() throws {
        let networkFirst = #"""
            [{"type": "NetworkUnavailable", "status": "False", "reason": "RouteCreated"},
             {"type": "MemoryPressure", "status": "False"},
             {"type": "Ready", "status": "True"}]
            """#
        let summary = try JSONDocument.decode(NodeSummary.self, from: ModelFixtures.node(conditions: networkFirst))
        #expect(summary.networkUnavailable == .false)
        #expect(summary.isReady)

        let readyFirst = #"[{"type": "Ready", "status": "True"}, {"type": "NetworkUnavailable", "status": "False"}]"#
        #expect(try JSONDocument.decode(NodeSummary.self, from: ModelFixtures.node(conditions: readyFirst)).isReady)
    }

    @Test(arguments: [
        #"[{"type": "NetworkUnavailable", "status": "True"}, {"type": "Ready", "status": "True"}]"#,
        #"[{"type": "Ready", "status": "True"}, {"type": "NetworkUnavailable", "status": "Unknown"}]"#,
        #"[{"type": "Ready", "status": "False"}]"#,
        #"[{"type": "Ready", "status": "Unknown"}]"#,
        #"[{"type": "MemoryPressure", "status": "False"}]"#,
        "[]",
    ])
    func nodesAreNotReadyUnlessReadyAndNetworked(conditions: String) throws {
        let summary = try JSONDocument.decode(NodeSummary.self, from: ModelFixtures.node(conditions: conditions))
        #expect(!summary.isReady)
    }

    @Test func summaryIsStrictAboutTheFieldsItReads() {
        #expect(throws: JSONDecodingError(path: ["status", "conditions", "[0]", "status"], "expected a string, found bool")) {
            try JSONDocument.decode(NodeSummary.self, from: #"{"status":{"conditions":[{"type":"Ready","status":true}]}}"#)
        }
        #expect(throws: JSONDecodingError(path: ["metadata", "labels", "topology.kubernetes.io/zone"], "expected a string, found integer")) {
            try JSONDocument.decode(NodeSummary.self, from: #"{"metadata":{"labels":{"topology.kubernetes.io/zone":1}}}"#)
        }
        #expect(throws: JSONDecodingError(path: ["spec", "unschedulable"], "expected a boolean, found string")) {
            try JSONDocument.decode(NodeSummary.self, from: #"{"spec":{"unschedulable":"yes"}}"#)
        }
        #expect(throws: JSONDecodingError(path: ["status", "addresses", "[0]", "address"], "required field is missing")) {
            try JSONDocument.decode(NodeSummary.self, from: #"{"status":{"addresses":[{"type":"InternalIP"}]}}"#)
        }
    }

    @Test func summaryIgnoresWhatItDoesNotReadEvenWhenOddlyTyped() throws {
        let odd = #"{"metadata":{"name":"n","annotations":7,"labels":{"other":false}},"status":{"images":"x","nodeInfo":1}}"#
        let summary = try JSONDocument.decode(NodeSummary.self, from: odd)
        #expect(summary.metadata == ObjectMeta(name: "n"))
    }

    @Test func cordonedNodesEncodeUnschedulable() throws {
        let node = Node(metadata: ObjectMeta(name: "n"), spec: NodeSpec(unschedulable: true))
        #expect(JSONDocument.encodeString(node) == #"{"apiVersion":"v1","kind":"Node","metadata":{"name":"n"},"spec":{"unschedulable":true}}"#)
        #expect(try JSONDocument.decode(NodeSummary.self, from: JSONDocument.encode(node)).unschedulable)
    }
}

@Suite struct EndpointModelTests {
    @Test func decodesEndpoints() throws {
        let endpoints = try JSONDocument.decode(Endpoints.self, from: ModelFixtures.endpoints)
        #expect(endpoints.subsets.count == 1)
        let subset = try #require(endpoints.subsets.first)
        #expect(subset.addresses == [
            EndpointAddress(
                ip: "100.64.3.17", nodeName: "node-a",
                targetRef: ObjectReference(
                    kind: "Pod", namespace: "shop", name: "web-7d9c-abcde", uid: "d1e2f3a4-0000-4000-8000-000000000001")),
            EndpointAddress(ip: "100.64.4.9", hostname: "web-1", nodeName: "node-b"),
        ])
        #expect(subset.notReadyAddresses == [EndpointAddress(ip: "100.64.5.2", nodeName: "node-c")])
        #expect(subset.ports == [
            EndpointPort(name: "http", port: 8080, protocol: "TCP"),
            EndpointPort(name: "https", port: 8443, protocol: "TCP", appProtocol: "https"),
        ])
        #expect(try roundTrip(endpoints) == endpoints)
    }

    @Test func decodesEndpointSlices() throws {
        let slice = try JSONDocument.decode(EndpointSlice.self, from: ModelFixtures.endpointSlice)
        #expect(slice.addressType == .ipv4)
        #expect(slice.metadata.labels[EndpointSlice.serviceNameLabel] == "web")
        #expect(slice.metadata.ownerReferences.first?.controller == true)
        #expect(slice.endpoints.count == 2)
        #expect(slice.endpoints[0].addresses == ["100.64.3.17"])
        #expect(slice.endpoints[0].conditions == EndpointConditions(ready: true, serving: true, terminating: false))
        #expect(slice.endpoints[0].targetRef?.name == "web-7d9c-abcde")
        #expect(slice.endpoints[1].zone == "eu-west-1b")
        #expect(slice.ports == [
            EndpointSlicePort(name: "http", port: 8080, protocol: "TCP"),
            EndpointSlicePort(name: "", port: 53, protocol: "UDP"),
        ])
        #expect(try roundTrip(slice) == slice)
    }

    @Test func encodesRequiredEndpointSliceListsEvenWhenEmpty() {
        let slice = EndpointSlice(metadata: ObjectMeta(name: "s"), addressType: .ipv6)
        #expect(
            JSONDocument.encodeString(slice)
                == #"{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"s"},"#
                + #""addressType":"IPv6","endpoints":[]}"#)
    }

    @Test func requiresTheAddressType() {
        #expect(throws: JSONDecodingError(path: ["addressType"], "required field is missing")) {
            try JSONDocument.decode(EndpointSlice.self, from: #"{"endpoints":[]}"#)
        }
    }

    /// An endpoint is one shared box: changing a copy must leave the original (and whoever shares it) alone.
    @Test(arguments: ["addresses", "conditions", "hostname", "nodeName", "zone", "targetRef"])
    func changingAnEndpointCopiesIt(field: String) {
        let original = Endpoint(
            addresses: ["100.64.3.17"], conditions: EndpointConditions(ready: true), nodeName: "node-a", zone: "eu-west-1b",
            targetRef: ObjectReference(kind: "Pod", name: "web"))
        let shared = original
        var changed = original
        switch field {
        case "addresses": changed.addresses = ["192.0.2.9"]
        case "conditions": changed.conditions.ready = false
        case "hostname": changed.hostname = "h"
        case "nodeName": changed.nodeName = "node-z"
        case "zone": changed.zone = nil
        default: changed.targetRef?.name = "other"
        }
        #expect(changed != original, "\(field)")
        #expect(shared == original && shared.sharesStorage(with: original), "\(field)")
        #expect(!changed.sharesStorage(with: original), "\(field)")
    }

    @Test func endpointsAreEqualAndHashByValueWhetherOrNotTheyShareStorage() {
        let a = Endpoint(addresses: ["10.0.0.1"], nodeName: "node-a")
        let b = Endpoint(addresses: ["10.0.0.1"], nodeName: "node-a")
        #expect(a == b && !a.sharesStorage(with: b))
        #expect(a.hashValue == b.hashValue)
        #expect(Set([a, b]).count == 1)
        #expect(a != Endpoint(addresses: ["10.0.0.1"], nodeName: "node-b"))
    }
}

@Suite struct SmallModelTests {
    @Test func decodesATerminatingNamespace() throws {
        let namespace = try JSONDocument.decode(Namespace.self, from: ModelFixtures.namespace)
        #expect(namespace.spec.finalizers == ["kubernetes"])
        #expect(namespace.status.phase == NamespaceStatus.terminating)
        #expect(namespace.isTerminating)
        #expect(namespace.metadata.deletionTimestamp == "2024-03-02T00:00:00Z")
        #expect(try roundTrip(namespace) == namespace)
    }

    @Test func decodesALease() throws {
        let lease = try JSONDocument.decode(Lease.self, from: ModelFixtures.lease)
        #expect(lease.spec == LeaseSpec(
            holderIdentity: "barrelman-6f7d-xyz", leaseDurationSeconds: 15, acquireTime: "2024-01-01T00:00:00.000000Z",
            renewTime: "2024-01-01T00:05:30.123456Z", leaseTransitions: 3))
        #expect(try roundTrip(lease) == lease)
    }

    @Test func encodesALeaseForCreation() {
        let lease = Lease(
            metadata: ObjectMeta(name: "barrelman", namespace: "kube-system"),
            spec: LeaseSpec(holderIdentity: "me", leaseDurationSeconds: 15, leaseTransitions: 0))
        #expect(
            JSONDocument.encodeString(lease)
                == #"{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"barrelman","namespace":"kube-system"},"#
                + #""spec":{"holderIdentity":"me","leaseDurationSeconds":15,"leaseTransitions":0}}"#)
    }

    @Test func aReleasedLeaseKeepsItsEmptyHolder() throws {
        let released = Lease(spec: LeaseSpec(holderIdentity: "", leaseDurationSeconds: 1))
        #expect(released.toJSON()["spec"] == ["holderIdentity": "", "leaseDurationSeconds": 1])
        #expect(try roundTrip(released) == released)
    }

    @Test func decodesAnEvent() throws {
        let event = try JSONDocument.decode(Event.self, from: ModelFixtures.event)
        #expect(event.involvedObject.kind == "Service")
        #expect(event.involvedObject.name == "web")
        #expect(event.type == Event.warning)
        #expect(event.reason == "MirrorFailed")
        #expect(event.count == 6)
        #expect(event.source == EventSource(component: "barrelman", host: "node-a"))
        #expect(event.eventTime == nil)
        #expect(event.reportingInstance == "barrelman-6f7d-xyz")
        #expect(try roundTrip(event) == event)
    }

    @Test func eventsAboutAnObjectReferenceIt() throws {
        let service = try JSONDocument.decode(Service.self, from: ModelFixtures.service)
        let event = Event(involvedObject: ObjectReference(to: service), eventTime: "2024-01-01T00:00:00.000000Z")
        let encoded = event.toJSON()
        #expect(encoded["involvedObject"] == [
            "apiVersion": "v1", "kind": "Service", "namespace": "shop", "name": "web",
            "uid": "5b0f2f6e-3c39-4a8e-9d0e-6f1f1c1e2a10", "resourceVersion": "48213",
        ])
        #expect(encoded["eventTime"] == "2024-01-01T00:00:00.000000Z")
        #expect(try roundTrip(event) == event)
    }

    @Test func resourceTypesPointAtTheRightPaths() {
        #expect(Service.resourceType.collectionPath(namespace: "shop") == "/api/v1/namespaces/shop/services")
        #expect(Node.resourceType.objectPath(namespace: nil, name: "n") == "/api/v1/nodes/n")
        #expect(NodeSummary.resourceType == Node.resourceType)
        #expect(Endpoints.resourceType.collectionPath(namespace: "a") == "/api/v1/namespaces/a/endpoints")
        #expect(EndpointSlice.resourceType.collectionPath(namespace: nil) == "/apis/discovery.k8s.io/v1/endpointslices")
        #expect(Namespace.resourceType.objectPath(namespace: nil, name: "shop", subresource: "finalize")
            == "/api/v1/namespaces/shop/finalize")
        #expect(Lease.resourceType.objectPath(namespace: "kube-system", name: "b")
            == "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/b")
        #expect(Event.resourceType.collectionPath(namespace: "shop") == "/api/v1/namespaces/shop/events")
    }
}

@Suite struct StatusModelTests {
    @Test func decodesAnInvalidStatusAndDescribesItOnOneLine() throws {
        let status = try JSONDocument.decode(Status.self, from: ModelFixtures.invalidStatus)
        #expect(status.reason == Status.Reason.invalid)
        #expect(status.code == 422)
        #expect(status.details?.causes == [
            StatusCause(
                reason: "FieldValueInvalid", message: "Invalid value: 30080: provided port is already allocated",
                field: "spec.ports[0].nodePort")
        ])
        #expect(
            status.description
                == #"Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated (Invalid, 422)"#)
        #expect(try roundTrip(status) == status)
    }

    @Test func describesSparseStatuses() {
        #expect(Status(reason: "NotFound", code: 404).description == "request failed (NotFound, 404)")
        #expect(Status(message: "line one\nline two").description == "line one line two")
        #expect(
            Status(message: "too many", reason: "TooManyRequests", details: StatusDetails(
                causes: [StatusCause(message: "slow down", field: "x")], retryAfterSeconds: 2)).description
                == "too many: x: slow down (TooManyRequests)")
    }

    @Test func isAnErrorThatEncodesAsAStatusObject() throws {
        let error: any Error = Status(status: "Failure", message: "gone", reason: Status.Reason.gone, code: 410)
        #expect((error as? Status)?.code == 410)
        #expect(
            JSONDocument.encodeString(Status(status: "Failure", reason: "Gone", code: 410))
                == #"{"apiVersion":"v1","kind":"Status","code":410,"reason":"Gone","status":"Failure"}"#)
    }
}

@Suite struct ObjectListTests {
    @Test func decodesAPageOfServices() throws {
        let text = #"{"kind":"ServiceList","apiVersion":"v1","metadata":{"resourceVersion":"50000","continue":"eyJ2Ijo","remainingItemCount":7},"items":[\#(ModelFixtures.service)]}"#
        let list = try JSONDocument.decode(ObjectList<Service>.self, from: text)
        #expect(list.metadata == ListMeta(resourceVersion: "50000", continue: "eyJ2Ijo", remainingItemCount: 7))
        #expect(list.items.map(\.metadata.name) == ["web"])
        #expect(try roundTrip(list) == list)
    }

    @Test func decodesNodeSummariesFromANodeList() throws {
        let text = #"{"kind":"NodeList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[\#(ModelFixtures.node()),\#(ModelFixtures.node())]}"#
        let list = try JSONDocument.decode(ObjectList<NodeSummary>.self, from: text)
        #expect(list.items.count == 2)
        #expect(list.items.allSatisfy { $0.isReady })
    }

    @Test func encodesAnEmptyListWithItsKind() {
        #expect(
            JSONDocument.encodeString(ObjectList<Lease>(metadata: ListMeta(resourceVersion: "3")))
                == #"{"apiVersion":"coordination.k8s.io/v1","kind":"LeaseList","metadata":{"resourceVersion":"3"},"items":[]}"#)
    }

    @Test func treatsNullItemsAsEmptyAndNamesBadItems() throws {
        #expect(try JSONDocument.decode(ObjectList<Service>.self, from: #"{"metadata":{},"items":null}"#).items.isEmpty)
        #expect(throws: JSONDecodingError(path: ["items", "[1]", "spec", "ports", "[0]", "port"], "required field is missing")) {
            try JSONDocument.decode(ObjectList<Service>.self, from: #"{"items":[{},{"spec":{"ports":[{}]}}]}"#)
        }
    }
}

@Suite struct WatchEventTests {
    typealias ServiceEvent = WatchEvent<Service>

    @Test(arguments: ["ADDED", "MODIFIED", "DELETED"])
    func decodesObjectEvents(type: String) throws {
        let frame = #"{"type":"\#(type)","object":\#(ModelFixtures.service)}"#
        let event = try JSONDocument.decode(ServiceEvent.self, from: frame)
        let service = try JSONDocument.decode(Service.self, from: ModelFixtures.service)
        switch type {
        case "ADDED": #expect(event == .added(service))
        case "MODIFIED": #expect(event == .modified(service))
        default: #expect(event == .deleted(service))
        }
        #expect(event.resourceVersion == "48213")
        #expect(try roundTrip(event) == event)
    }

    @Test func decodesABookmarkWithoutDecodingTheObject() throws {
        // A bookmark of EndpointSlice lacks the otherwise required addressType.
        let frame = #"{"type":"BOOKMARK","object":{"kind":"EndpointSlice","apiVersion":"discovery.k8s.io/v1","metadata":{"resourceVersion":"12345","creationTimestamp":null}}}"#
        let event = try JSONDocument.decode(WatchEvent<EndpointSlice>.self, from: frame)
        #expect(event == .bookmark(resourceVersion: "12345", annotations: [:]))
        #expect(!event.isInitialEventsEnd)
        #expect(event.resourceVersion == "12345")
        #expect(try roundTrip(event) == event)
    }

    @Test func anObjectTheModelCannotReadIsReportedByItsMetadataNotThrown() throws {
        let frame = #"{"type":"MODIFIED","object":{"kind":"Service","apiVersion":"v1","metadata":{"name":"web","namespace":"shop","resourceVersion":"9"},"spec":{"selector":{"app":5}}}}"#
        let event = try JSONDocument.decode(ServiceEvent.self, from: frame)
        guard case .unreadable(let object, let deleted) = event else {
            Issue.record("expected .unreadable, got \(event)")
            return
        }
        #expect(object.key.description == "shop/web")
        #expect(!deleted)
        #expect(event.resourceVersion == "9", "the watch resumes after it")
        #expect(object.reason.contains("spec.selector"), "the reason names the field: \(object.reason)")

        let list = #"{"kind":"ServiceList","apiVersion":"v1","metadata":{"resourceVersion":"10"},"items":[{"metadata":{"name":"ok","namespace":"shop"}},{"metadata":{"name":"web","namespace":"shop"},"spec":{"selector":{"app":5}}}]}"#
        let decoded = try JSONDocument.decode(ObjectList<Service>.self, from: list)
        #expect(decoded.items.map(\.metadata.name) == ["ok"])
        #expect(decoded.unreadableItems.map(\.key.description) == ["shop/web"])

        // Without readable metadata nothing is known of the object: that still fails the whole event.
        #expect(throws: JSONDecodingError.self) {
            try JSONDocument.decode(ServiceEvent.self, from: #"{"type":"ADDED","object":{"metadata":{"name":7}}}"#)
        }
    }

    @Test func recognizesTheEndOfInitialEvents() throws {
        let frame = #"{"type":"BOOKMARK","object":{"kind":"Service","apiVersion":"v1","metadata":{"resourceVersion":"777","annotations":{"k8s.io/initial-events-end":"true"}}}}"#
        let event = try JSONDocument.decode(ServiceEvent.self, from: frame)
        #expect(event == .bookmark(resourceVersion: "777", annotations: ["k8s.io/initial-events-end": "true"]))
        #expect(event.isInitialEventsEnd)
        #expect(try roundTrip(event) == event)
    }

    @Test func decodesAnExpiredError() throws {
        let frame = #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 100 (48213)","reason":"Expired","code":410}}"#
        let event = try JSONDocument.decode(ServiceEvent.self, from: frame)
        guard case .error(let status) = event else {
            Issue.record("expected an error event, got \(event)")
            return
        }
        #expect(status.code == 410)
        #expect(status.reason == Status.Reason.expired)
        #expect(event.resourceVersion == nil)
        #expect(try roundTrip(event) == event)
    }

    @Test func rejectsUnknownTypesAndBrokenFrames() {
        #expect(
            throws: JSONDecodingError(
                path: ["type"], #"unknown watch event type "SYNC", expected ADDED, MODIFIED, DELETED, BOOKMARK or ERROR"#)
        ) {
            try JSONDocument.decode(ServiceEvent.self, from: #"{"type":"SYNC","object":{}}"#)
        }
        #expect(
            throws: JSONDecodingError(
                path: ["type"], "unknown watch event type of JSON type integer, expected ADDED, MODIFIED, DELETED, BOOKMARK or ERROR")
        ) {
            try JSONDocument.decode(ServiceEvent.self, from: #"{"type":1,"object":{}}"#)
        }
        #expect(throws: JSONDecodingError(path: ["type"], "required field is missing")) {
            try JSONDocument.decode(ServiceEvent.self, from: #"{"object":{}}"#)
        }
        #expect(throws: JSONDecodingError(path: ["object"], "required field is missing")) {
            try JSONDocument.decode(ServiceEvent.self, from: #"{"type":"ADDED"}"#)
        }
        #expect(throws: JSONDecodingError(path: ["object", "spec", "ports", "[0]", "port"], "expected an integer, found string")) {
            try JSONDocument.decode(ServiceEvent.self, from: #"{"type":"ADDED","object":{"spec":{"ports":[{"port":"80"}]}}}"#)
        }
        #expect(throws: JSONDecodingError(path: ["object", "metadata", "resourceVersion"], "required field is missing")) {
            try JSONDocument.decode(ServiceEvent.self, from: #"{"type":"BOOKMARK","object":{"metadata":{}}}"#)
        }
        #expect(throws: JSONDecodingError(path: ["object", "metadata", "resourceVersion"], "required field is missing")) {
            try JSONDocument.decode(ServiceEvent.self, from: #"{"type":"BOOKMARK","object":{}}"#)
        }
    }
}
