import Testing
import TestAPIServer

/// Writes cost what they cost on kube-apiserver: a latency of their own and a shared stage that bounds
/// throughput. Timings are asserted as lower bounds only, so a loaded machine cannot fail them.
@Suite("Write cost model", .timeLimit(.minutes(1)))
struct WriteCostTests {
    let services = "/api/v1/namespaces/default/services"

    func client(_ model: WriteCostModel?) -> TestClient {
        var configuration = StoreConfiguration()
        configuration.writeCost = model
        return TestClient(configuration: configuration)
    }

    func model(
        latency: Duration = .zero, createCost: Duration = .zero, modifyCost: Duration = .zero,
        costPerKiB: Duration = .zero
    ) -> WriteCostModel {
        WriteCostModel(latency: latency, createCost: createCost, modifyCost: modifyCost, costPerKiB: costPerKiB)
    }

    /// Waits (bounded) until the server has counted `count` creates: each has its place on the timeline then.
    func waitForCreates(_ count: Int, _ client: TestClient) async {
        let deadline = ContinuousClock.now + .seconds(20)
        while client.state.faults.requestCount(verb: "create") < count && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(1))
        }
    }

    @Test func isOnByDefaultWithTheFiguresMeasuredOnKubeAPIServer() {
        #expect(StoreConfiguration().writeCost == .kubeAPIServer)
        let cost = WriteCostModel.kubeAPIServer
        let service = Fixtures.service("svc-123", type: "NodePort", ports: [["port": 80], ["port": 443]]).serialized().count
        let slice = Self.endpointSlice(endpoints: 100).serialized().count
        // One sequential writer: ~5.7 ms per small create.
        let sequential = (cost.sharedCost(verb: "create", bodyBytes: service) + cost.unsharedLatency(bodyBytes: service)).seconds
        #expect(abs(sequential - 0.0057) < 0.0003)
        // 8 writers fill the shared stage: 300 small creates ~1.0 s, 300 slice creates + the services within
        // 2.91-3.35 s, 300 slice updates 1.37-1.48 s.
        #expect(abs(300 * cost.sharedCost(verb: "create", bodyBytes: service).seconds - 1.0) < 0.05)
        #expect(abs(300 * cost.sharedCost(verb: "create", bodyBytes: slice).seconds - 1.85) < 0.08)
        let update = cost.sharedCost(verb: "update", bodyBytes: slice + 200)
        #expect(abs(300 * update.seconds - 1.43) < 0.06)
        // 4 writers do not: each waits its own unshared time too, 300 slice updates in 1.62-2.14 s.
        let fourWriters = 300 / 4 * (update + cost.unsharedLatency(bodyBytes: slice + 200)).seconds
        #expect(fourWriters > 1.62 && fourWriters < 2.14)
    }

    @Test func sequentialWritesEachTakeTheirLatencyAndSharedCost() async {
        let client = client(model(latency: .milliseconds(20), createCost: .milliseconds(10), modifyCost: .milliseconds(10)))
        let clock = ContinuousClock()
        let start = clock.now
        for index in 0..<3 {
            #expect(await client.post(services, Fixtures.service("svc-\(index)")).status == 201)
        }
        var changed = await client.get("\(services)/svc-0").json
        changed[path: ["metadata", "labels"]] = ["changed": "yes"]
        #expect(await client.put("\(services)/svc-0", changed).status == 200)
        let patch: JSON = ["metadata": ["labels": ["patched": "yes"]]]
        #expect(await client.patch("\(services)/svc-1", patch, type: "application/merge-patch+json").status == 200)
        #expect(await client.delete("\(services)/svc-2").status == 200)
        #expect(clock.now - start >= .milliseconds(6 * 30), "six writes, each at least 10 ms shared + 20 ms latency")
    }

    @Test func concurrentWritersShareTheThroughput() async {
        let client = client(model(createCost: .milliseconds(25)))
        let services = services
        let clock = ContinuousClock()
        let start = clock.now
        let statuses = await withTaskGroup(of: Int.self) { group in
            for index in 0..<16 {
                group.addTask { await client.post(services, Fixtures.service("svc-\(index)")).status }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 201, count: 16))
        #expect(clock.now - start >= .milliseconds(16 * 25), "at most one write per 25 ms, however many writers")
    }

    @Test func largerObjectsCostMore() async {
        let client = client(model(costPerKiB: .milliseconds(10)))
        var large = Fixtures.service("large")
        large[path: ["metadata", "annotations"]] = ["padding": .string(String(repeating: "x", count: 20 * 1024))]
        let clock = ContinuousClock()
        let start = clock.now
        #expect(await client.post(services, large).status == 201)
        #expect(clock.now - start >= .milliseconds(200), "20 KiB at 10 ms per KiB")
    }

    @Test func writesAreAppliedInArrivalOrder() async {
        let client = client(model(createCost: .milliseconds(20)))
        let watch = await client.watch(services, query: "")
        var writes: [Task<Int, Never>] = []
        for index in 0..<8 {
            let services = services
            writes.append(Task { await client.post(services, Fixtures.service("svc-\(index)")).status })
            await waitForCreates(index + 1, client)
        }
        for write in writes { #expect(await write.value == 201) }
        let events = await watch.waitForEvents(8)
        #expect(events.map(\.name) == (0..<8).map { "svc-\($0)" })
        let versions = events.compactMap { Int($0.resourceVersion) }
        #expect(versions == versions.sorted() && Set(versions).count == 8)
        watch.cancel()
    }

    @Test func writesThatFailStillPassTheirTurn() async {
        let client = client(model(createCost: .milliseconds(5), modifyCost: .milliseconds(5)))
        let services = services
        #expect(await client.post(services, Fixtures.service("taken")).status == 201)
        async let unreadable = client.call("POST", services, rawBody: Array("{not json".utf8)).status
        async let conflicting = client.post(services, Fixtures.service("taken")).status
        async let missing = client.delete("\(services)/missing").status
        async let fine = client.post(services, Fixtures.service("fine")).status
        #expect(await [unreadable, conflicting, missing, fine] == [400, 409, 404, 201])
        #expect(await client.post(services, Fixtures.service("after")).status == 201)
    }

    @Test func readsAndWatchesDoNotWaitForQueuedWritesNorSeeThemEarly() async {
        let client = client(model(createCost: .seconds(30)))
        let services = services
        let watch = await client.watch(services, query: "")
        let write = Task { await client.post(services, Fixtures.service("queued")) }
        await waitForCreates(1, client)
        let list = await client.get(services)
        #expect(list.status == 200)
        #expect(list.json["items"]?.arrayValue?.isEmpty == true, "the write is not applied before its turn")
        #expect(await client.get("\(services)/queued").status == 404)
        #expect(watch.events.isEmpty)
        // A write whose client goes away is still applied, as kube-apiserver finishes it.
        write.cancel()
        #expect(await write.value.status == 201)
        #expect(await watch.waitForEvents(1).map(\.name) == ["queued"])
        watch.cancel()
    }

    static func endpointSlice(endpoints count: Int) -> JSON {
        let endpoints: [JSON] = (0..<count).map { index in
            [
                "addresses": [.string("10.0.\(index / 250).\(index % 250 + 2)")],
                "conditions": ["ready": true, "serving": true, "terminating": false],
                "nodeName": .string("gke-bench-pool-0-node-\(index)"),
                "zone": .string("europe-west1-\(["b", "c", "d"][index % 3])"),
            ]
        }
        return [
            "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": [
                "name": "svc-123-barrelman-ipv4-0", "namespace": "bench",
                "labels": [
                    "kubernetes.io/service-name": "svc-123",
                    "endpointslice.kubernetes.io/managed-by": "barrelman.tfw.io",
                ],
                "ownerReferences": [
                    [
                        "apiVersion": "v1", "kind": "Service", "name": "svc-123",
                        "uid": "0e1d2c3b-4a59-6877-8695-a4b3c2d1e0f9", "controller": true, "blockOwnerDeletion": true,
                    ]
                ],
            ],
            "addressType": "IPv4", "endpoints": .array(endpoints),
            "ports": [["name": "http", "protocol": "TCP", "port": 30001], ["name": "https", "protocol": "TCP", "port": 30002]],
        ]
    }
}

extension Duration {
    fileprivate var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
