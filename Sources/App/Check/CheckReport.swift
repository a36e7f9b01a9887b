import KubeAPI

/// Every check's result, printed as text (one line per check, each warning and failure followed by what to do)
/// or as one JSON object.
struct CheckReport: Sendable {
    var results: [CheckResult] = []

    mutating func append(_ result: CheckResult) { results.append(result) }
    mutating func append(contentsOf more: [CheckResult]) { results.append(contentsOf: more) }

    var failed: Bool { results.contains { $0.status == .fail } }

    /// `PASS  local API  https://... answers: v1.31.0`, aligned; a fix on the next line, indented.
    private static func padded(_ text: String, to width: Int) -> String {
        text.count >= width ? String(text.prefix(width)) : text + String(repeating: " ", count: width - text.count)
    }

    var text: String {
        let width = results.map(\.name.count).max() ?? 0
        var lines: [String] = []
        for result in results {
            let status = Self.padded(result.status.rawValue.uppercased(), to: 4)
            lines.append("\(status)  \(Self.padded(result.name, to: width))  \(result.detail)")
            if let fix = result.fix, result.status == .fail || result.status == .warn {
                lines.append(String(repeating: " ", count: width + 8) + "fix: " + fix)
            }
        }
        let counts = [CheckResult.Status.pass, .warn, .fail, .skip].map { status in
            (status, results.filter { $0.status == status }.count)
        }
        let summary = counts.filter { $0.1 > 0 }.map { "\($0.1) \($0.0.rawValue)" }.joined(separator: ", ")
        lines.append(failed ? "barrelman check: FAILED (\(summary))" : "barrelman check: ok (\(summary))")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `{"ok": BOOL, "checks": [{"name", "status", "detail", "fix"?}, ...]}`.
    var json: String {
        var object = JSONObjectBuilder()
        object.setAlways("ok", .bool(!failed))
        object.setAlways("checks", .array(results.map { $0.toJSON() }))
        return JSONDocument.encodeString(object.value) + "\n"
    }
}
