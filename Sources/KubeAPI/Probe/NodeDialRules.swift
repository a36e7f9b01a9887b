/// A dialer from rules, for tests, the demo's child processes and the benchmarks: the hidden environment
/// variable `BARRELMAN_TEST_NODE_DIAL` hands it to the `barrelman` binary (the README does not offer it).
///
/// Text: comma-separated `HOST:PORT=TARGET`; HOST or PORT may be `*`; TARGET is `refuse` or a loopback
/// `127.0.0.1:PORT` / `[::1]:PORT`. The first matching rule wins; no match refuses. Targets outside the
/// loopback range are rejected, so this seam can never send a probe off the machine.
public struct NodeDialRules: NodeDialer {
    public struct Rule: Sendable, Hashable {
        public var host: String?
        public var port: Int?
        public var route: DialRoute
    }

    public var rules: [Rule]

    public init(rules: [Rule]) {
        self.rules = rules
    }

    public init(parsing text: String) throws(NodeDialRulesError) {
        var rules: [Rule] = []
        for item in text.split(separator: ",") {
            let rule = item.trimmingSpaces
            guard let equals = rule.firstIndex(of: "=") else { throw .malformed(String(rule), "expected HOST:PORT=TARGET") }
            let (host, port) = try Self.hostAndPort(rule[..<equals], rule: String(rule), wildcards: true)
            let target = rule[rule.index(after: equals)...]
            let route: DialRoute
            if target == "refuse" {
                route = .refuse
            } else {
                let (targetHost, targetPort) = try Self.hostAndPort(target, rule: String(rule), wildcards: false)
                guard let targetHost, let targetPort, LoopbackAddress.contains(targetHost) else {
                    throw .malformed(String(rule), "the target must be `refuse` or a loopback address and port")
                }
                route = .connect(host: targetHost, port: targetPort)
            }
            rules.append(Rule(host: host, port: port, route: route))
        }
        self.rules = rules
    }

    public func route(address: String, port: Int) -> DialRoute {
        for rule in rules where (rule.host ?? address) == address && (rule.port ?? port) == port {
            return rule.route
        }
        return .refuse
    }

    /// `host:port`, `[v6]:port`; `*` as either part is nil when `wildcards` allows it.
    private static func hostAndPort(
        _ text: Substring, rule: String, wildcards: Bool
    ) throws(NodeDialRulesError) -> (String?, Int?) {
        guard let colon = text.lastIndex(of: ":") else { throw .malformed(rule, "expected HOST:PORT") }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let portText = text[text.index(after: colon)...]
        let port: Int?
        if portText == "*" && wildcards {
            port = nil
        } else if let number = Int(portText), (1...65535).contains(number) {
            port = number
        } else {
            throw .malformed(rule, "bad port \(portText)")
        }
        if host == "*" && wildcards { return (nil, port) }
        guard !host.isEmpty else { throw .malformed(rule, "empty host") }
        return (host, port)
    }
}

public enum NodeDialRulesError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed(String, String)

    public var description: String {
        switch self {
        case .malformed(let rule, let why): return "node dial rule \"\(rule)\": \(why)"
        }
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return text
    }
}
