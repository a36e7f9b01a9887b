import Testing

@Suite("barrelman demo")
struct DemoTests {
    @Test("demo -exit-after-script mirrors services, follows node changes and deletions, and exits 0")
    func demoScript() async throws {
        // The script pauses about 2 s per step; the timeout leaves room for a loaded machine.
        let result = try await BarrelmanBinary.run(["demo", "-exit-after-script"], timeout: .seconds(120))
        #expect(result.exitCode == 0, "\(result)")
        let output = result.stdout
        #expect(output.contains("local: created service foo/bar"), "\(result)")
        #expect(output.contains("endpoints of foo/bar"), "\(result)")
        // node-b's InternalIP changes 10.0.0.2 -> 10.0.0.12: the endpoints follow.
        let lines = output.split(whereSeparator: \.isNewline)
        #expect(lines.contains { $0.contains("local: endpoints of foo/bar") && $0.contains("10.0.0.12") }, "\(result)")
        #expect(output.contains("local: deleted service shop/web"), "\(result)")
    }
}
