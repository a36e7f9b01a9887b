import KubeAPI

/// The outcome of one check of `barrelman check`: one line of its output.
struct CheckResult: Sendable, Equatable {
    enum Status: String, Sendable {
        case pass, warn, fail
        /// Not run: an earlier failure leaves nothing to check (no remote client without credentials).
        case skip
    }

    /// Short and stable, e.g. `local permissions`; the JSON output's `name`.
    var name: String
    var status: Status
    /// What was found.
    var detail: String
    /// What to do about a warning or failure; nil when nothing is to be done.
    var fix: String?

    static func pass(_ name: String, _ detail: String) -> CheckResult {
        CheckResult(name: name, status: .pass, detail: detail)
    }

    static func warn(_ name: String, _ detail: String, fix: String?) -> CheckResult {
        CheckResult(name: name, status: .warn, detail: detail, fix: fix)
    }

    static func fail(_ name: String, _ detail: String, fix: String?) -> CheckResult {
        CheckResult(name: name, status: .fail, detail: detail, fix: fix)
    }

    static func skip(_ name: String, _ detail: String) -> CheckResult {
        CheckResult(name: name, status: .skip, detail: detail)
    }
}

extension CheckResult: JSONEncodable {
    func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.setAlways("name", .string(name))
        object.setAlways("status", .string(status.rawValue))
        object.setAlways("detail", .string(detail))
        object.setUnlessNil("fix", fix)
        return object.value
    }
}
