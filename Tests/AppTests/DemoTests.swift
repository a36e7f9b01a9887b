import Testing

@Suite("barrelman demo")
struct DemoTests {
    @Test(
        "demo -exit-after-script mirrors services, follows node changes and deletions, sends requests that leave a node that stops answering, and exits 0"
    )
    func demoScript() async throws {
        // The script pauses about 2 s per step; the timeout leaves room for a loaded machine.
        let result = try await BarrelmanBinary.run(["demo", "-exit-after-script"], timeout: .seconds(180))
        #expect(result.exitCode == 0, "\(result)")
        let output = result.stdout
        #expect(output.contains("local: created service foo/bar"), "\(result)")
        #expect(output.contains("endpoints of foo/bar"), "\(result)")
        // node-b's InternalIP changes 10.0.0.2 -> 10.0.0.12: the endpoints follow.
        let lines = output.split(whereSeparator: \.isNewline).map(String.init)
        #expect(lines.contains { $0.contains("local: endpoints of foo/bar") && $0.contains("10.0.0.12") }, "\(result)")
        #expect(output.contains("local: deleted service shop/web"), "\(result)")

        let traffic = lines.filter { $0.contains("traffic: 6 requests to foo/bar answered by") }
        try #require(traffic.count == 3, "one traffic line before node-a fails, one while it hangs, one after:\n\(result)")
        // Round robin over the three ready nodes: each answers with its own name.
        #expect(["node-a", "node-b", "node-c"].allSatisfy { traffic[0].contains($0) }, "\(traffic[0])")
        // node-a hangs while the remote API still says Ready: the prober takes it out, its traffic goes elsewhere.
        #expect(lines.contains { $0.contains("node-a left foo/bar's ready endpoints") }, "\(result)")
        #expect(
            lines.contains { $0.contains("local: endpoints of foo/bar") && $0.contains("(not ready: 10.0.0.1)") }, "\(result)")
        #expect(
            !traffic[1].contains("node-a") && traffic[1].contains("node-b") && traffic[1].contains("node-c"), "\(traffic[1])")
        // It answers again and gets its share back.
        #expect(lines.contains { $0.contains("node-a is back in foo/bar's ready endpoints") }, "\(result)")
        #expect(traffic[2].contains("node-a"), "\(traffic[2])")
    }
}
