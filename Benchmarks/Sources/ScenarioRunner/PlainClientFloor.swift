import BenchmarkFixtures
import KubeAPI
import Synchronization
import TestAPIServer

/// `--floor`: what a plain client needs to write what barrelman writes at a scenario's size, 8 writers at a
/// time (issue #14's "physical floor"): the mirrored services, their 100-endpoint EndpointSlices, then the slice
/// updates a node's IP change causes. barrelman's sync cannot beat services + slices, nor its node change the
/// updates, on the same server; `--write-cost on|off` picks the server.
struct PlainClientFloor {
    let arguments: ScenarioArguments
    let namespace = "bench"
    static let writers = 8
    static let endpointsPerSlice = 100
    var results = ResultTable()

    init(arguments: ScenarioArguments) {
        self.arguments = arguments
        results.scenario = "floor, plain client, \(Self.writers) writers, write cost \(arguments.writeCost ? "on" : "off") "
            + "(\(arguments.nodes) nodes x \(arguments.services) services)"
    }

    mutating func run() async throws {
        var options = Scenario.serverOptions(writeCost: arguments.writeCost)
        options.store.serviceCIDR = "10.112.0.0/16"
        let server = try await TestAPIServer.start(options: options)
        let transport = HTTPTransport()
        defer { transport.shutdown() }
        let client = KubeClient(config: Scenario.config(server), options: KubeClientOptions(qps: 0), transport: transport)
        _ = try await client.create(Namespace(metadata: ObjectMeta(name: namespace)))

        // One writer, one create after another: the per-write latency.
        let sequential = 50
        var start = ContinuousClock.now
        for index in 0..<sequential {
            _ = try await client.create(Self.service(index, name: "sequential-\(index)", namespace: namespace))
        }
        results.addMilliseconds(
            "one writer: a service create (mean of \(sequential))", (ContinuousClock.now - start).milliseconds / Double(sequential),
            target: nil)

        let services = arguments.services
        let namespace = namespace
        let uids = ByIndex<String>()
        start = ContinuousClock.now
        try await forEachConcurrently(0..<services, width: Self.writers) { index in
            let created = try await client.create(Self.service(index, name: "svc-\(index)", namespace: namespace))
            uids.set(index, created.metadata.uid ?? "")
        }
        let servicesTime = ContinuousClock.now - start
        results.add("\(services) service creates", servicesTime, target: nil)

        let nodes = arguments.nodes
        let slices = ByIndex<EndpointSlice>()
        start = ContinuousClock.now
        try await forEachConcurrently(0..<services, width: Self.writers) { index in
            for chunk in 0..<Self.chunks(nodes: nodes) {
                let slice = Self.slice(service: index, uid: uids.get(index) ?? "", chunk: chunk, nodes: nodes, namespace: namespace)
                let created = try await client.create(slice)
                if chunk == 0 { slices.set(index, created) }
            }
        }
        let slicesTime = ContinuousClock.now - start
        results.add(
            "\(services * Self.chunks(nodes: nodes)) EndpointSlice creates (\(min(nodes, Self.endpointsPerSlice)) endpoints)",
            slicesTime, target: nil)
        if let stored = server.state.list("endpointslices", namespace: namespace).first {
            results.addCount("  JSON bytes of one stored slice", stored.serialized().count, expected: "")
        }
        results.add("sync floor: services + slices", servicesTime + slicesTime, target: nil)

        // Node 0's InternalIP changes: one slice per service gets the new address.
        let newIP = RealisticNode.internalIP(0, generation: 1)
        start = ContinuousClock.now
        try await forEachConcurrently(0..<services, width: Self.writers) { index in
            guard var slice = slices.get(index), !slice.endpoints.isEmpty else { return }
            slice.endpoints[0].addresses = [newIP]
            _ = try await client.update(slice)
        }
        let updatesTime = ContinuousClock.now - start
        results.add("node change floor: \(services) EndpointSlice updates", updatesTime, target: nil)
        await server.stop()

        // The same writes from the independent client (Python), on a fresh server: what our client costs on top.
        IndependentFloor.writers = IndependentFloor.writersOverride ?? Self.writers
        let independent = try await IndependentFloor.measure(
            services: services, endpointsPerService: nodes, updates: services, writeCost: arguments.writeCost)
        results.addMilliseconds(
            "independent (python http.client): one writer, a service create (mean of 50)", independent.sequentialMean * 1000,
            target: nil)
        results.add("independent: \(services) service creates", .seconds(independent.services), target: nil)
        results.add("independent: EndpointSlice creates", .seconds(independent.slices), target: nil)
        results.add("independent: sync floor", .seconds(independent.sync), target: nil)
        results.add("independent: node change floor", .seconds(independent.updates), target: nil)
        results.addMilliseconds("independent: CPU per slice update (whole Python process)", independent.updateCPU * 1000, target: nil)
        results.addRatio("KubeClient / independent, sync", (servicesTime + slicesTime).seconds / independent.sync, target: nil)
        results.addRatio("KubeClient / independent, node change", updatesTime.seconds / independent.updates, target: nil)
    }

    static func chunks(nodes: Int) -> Int { max(1, (nodes + endpointsPerSlice - 1) / endpointsPerSlice) }

    /// The local mirror of a two-port NodePort service, as barrelman writes it.
    static func service(_ index: Int, name: String, namespace: String) -> Service {
        let nodePort = Int32(30000 + 2 * index)
        return Service(
            metadata: ObjectMeta(
                name: name, namespace: namespace, labels: ["tfw.io/barrelman": "managed-resource"],
                annotations: [
                    "barrelman.tfw.io/remote-cluster": "remote",
                    "barrelman.tfw.io/remote-uid": "0e1d2c3b-4a59-6877-8695-\(String(100_000_000_000 + index))",
                ]),
            spec: ServiceSpec(
                type: .clusterIP,
                ports: [
                    ServicePort(name: "http", protocol: "TCP", port: 80, targetPort: .int(Int(nodePort))),
                    ServicePort(name: "https", protocol: "TCP", port: 443, targetPort: .int(Int(nodePort + 1))),
                ]))
    }

    /// Slice `chunk` of service `service`: up to 100 of the realistic nodes, as barrelman writes them.
    static func slice(service: Int, uid: String, chunk: Int, nodes: Int, namespace: String) -> EndpointSlice {
        let name = "svc-\(service)"
        let first = chunk * endpointsPerSlice
        let endpoints = (first..<min(nodes, first + endpointsPerSlice)).map { node in
            Endpoint(
                addresses: [RealisticNode.internalIP(node)],
                conditions: EndpointConditions(ready: true, serving: true, terminating: false),
                nodeName: RealisticNode.name(node), zone: "europe-west1-\(["b", "c", "d"][node % 3])")
        }
        let nodePort = Int32(30000 + 2 * service)
        return EndpointSlice(
            metadata: ObjectMeta(
                name: "\(name)-barrelman-ipv4-\(chunk)", namespace: namespace,
                labels: [
                    "kubernetes.io/service-name": name, "endpointslice.kubernetes.io/managed-by": "barrelman.tfw.io",
                ],
                ownerReferences: [
                    OwnerReference(
                        apiVersion: "v1", kind: "Service", name: name, uid: uid, controller: true, blockOwnerDeletion: true)
                ]),
            addressType: .ipv4, endpoints: endpoints,
            ports: [
                EndpointSlicePort(name: "http", port: nodePort, protocol: "TCP"),
                EndpointSlicePort(name: "https", port: nodePort + 1, protocol: "TCP"),
            ])
    }
}

/// Values by index, filled by concurrent writers (service uids, the slices as created).
private final class ByIndex<Value: Sendable>: Sendable {
    private let values = Mutex<[Int: Value]>([:])
    func set(_ index: Int, _ value: Value) { values.withLock { $0[index] = value } }
    func get(_ index: Int) -> Value? { values.withLock { $0[index] } }
}
