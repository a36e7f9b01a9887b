import Testing
import TestAPIServer

@Suite("Fault injection")
struct FaultTests {
    let client = TestClient()
    let services = "/api/v1/namespaces/default/services"

    @Test func tooManyRequestsCarriesRetryAfter() async {
        client.state.faults.failNext(1, with: .tooManyRequests(retryAfterSeconds: 3), verb: "list", resource: "services")
        #expect(await client.get("/api/v1/nodes").status == 200)
        let limited = await client.get(services)
        #expect(limited.status == 429)
        #expect(limited.header("Retry-After") == "3")
        #expect(limited.reason == "TooManyRequests")
        #expect(limited.json[path: ["details", "retryAfterSeconds"]] == 3)
        #expect(await client.get(services).status == 200)
    }

    @Test func serverErrorsAndDowntime() async {
        client.state.faults.failNext(2, with: .serviceUnavailable)
        #expect(await client.get(services).status == 503)
        #expect(await client.get(services).reason == "ServiceUnavailable")
        client.state.faults.failNext(1, with: .internalError, verb: "create")
        #expect(await client.post(services, Fixtures.service("x")).status == 500)
        client.state.faults.setDown(true)
        #expect(await client.get(services).status == 503)
        client.state.faults.setDown(false)
        #expect(await client.get(services).status == 200)
    }

    @Test func requestsAreCountedPerVerbAndResource() async {
        _ = await client.post(services, Fixtures.service("a"))
        _ = await client.get("\(services)/a")
        _ = await client.patch("\(services)/a", ["metadata": ["labels": ["x": "y"]]], type: "application/merge-patch+json")
        _ = await client.get("/api/v1/nodes")
        #expect(client.state.faults.requestCount(verb: "create", resource: "services") == 1)
        #expect(client.state.faults.requestCount(verb: "get") == 1)
        #expect(client.state.faults.writeCount(resource: "services") == 2)
        #expect(client.state.faults.requestCount() == 4)
    }

    @Test func watchesCanBeClosedAbortedOrForcedToExpire() async throws {
        let first = await client.watch(services, query: "")
        let second = await client.watch(services, query: "")
        client.state.closeAllWatches()
        #expect(await first.waitForEnd() == .finished)
        #expect(await second.waitForEnd() == .finished)

        let cut = await client.watch(services, query: "")
        client.state.abortAllWatches()
        #expect(await cut.waitForEnd() == .aborted)

        client.state.faults.expireNextWatches(1)
        let expired = await client.watch(services, query: "")
        #expect(await expired.waitForEnd() == .finished)
        #expect(expired.events.first?.type == "ERROR")
        #expect(expired.events.first?.object["code"] == 410)
        let normal = await client.watch(services, query: "")
        #expect(normal.ending == .open)
        normal.cancel()
    }

    @Test func latencyDelaysRequests() async {
        client.state.faults.setLatency(.milliseconds(100))
        let clock = ContinuousClock()
        let start = clock.now
        _ = await client.get(services)
        #expect(clock.now - start >= .milliseconds(100))
    }

    @Test func stateSurvivesAcrossHandlers() async throws {
        try client.state.create(Fixtures.service("kept"))
        let restarted = KubeAPIHandler(state: client.state)
        let response = await restarted.handle(
            ServerRequest(
                method: "GET", path: "\(services)/kept", headers: [("Authorization", "Bearer \(TestClient.adminToken)")]))
        #expect(response.status == 200)
    }
}
