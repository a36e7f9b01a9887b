/// An AWS service base URL split for signing: HTTPS (plain HTTP only on loopback, like the gke provider's
/// overrides), the `Host` header it gets, and any path prefix a proxy may need.
struct AWSEndpoint: Sendable, Equatable {
    /// `scheme://authority`, no trailing slash.
    let origin: String
    /// What libcurl sends as `Host` (and so what is signed): `host` or `host:port`.
    let host: String
    /// `""` or `/prefix` without trailing slash.
    let basePath: String

    /// `url` checked and split; errors name `flag`.
    init(_ url: String, flag: String) throws(ProviderError) {
        let validated = try GoogleEndpoint.validated(url, origin: flag)
        let afterScheme = validated.firstRange(of: "://").map { validated[$0.upperBound...] } ?? Substring(validated)
        var authority = afterScheme.prefix { $0 != "/" }
        let path = afterScheme.dropFirst(authority.count)
        guard !path.contains("?"), !path.contains("#") else {
            throw ProviderError("\(flag) \(validated): must not have a query or fragment (expected https://host[:port][/path])")
        }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        let scheme = validated.prefix { $0 != ":" }.lowercased()
        let defaultPort = scheme == "https" ? ":443" : ":80"
        host = authority.hasSuffix(defaultPort) ? String(authority.dropLast(defaultPort.count)) : String(authority)
        origin = "\(scheme)://\(host)"
        basePath = String(path)
    }

    /// The default endpoint of `service` in `region` (`https://eks.eu-west-1.amazonaws.com`; `.com.cn` in China).
    static func regional(service: String, region: String) -> String {
        "https://\(service).\(region).amazonaws.com\(region.hasPrefix("cn-") ? ".cn" : "")"
    }

    /// The full URL of `path` (raw, encoded here as signing encodes it) with an already-encoded `query`.
    func url(path: String, query: String = "") -> String {
        origin + SigV4Encoding.encode(basePath + path, keepingSlashes: true) + (query.isEmpty ? "" : "?" + query)
    }

    /// A request to sign for `path` under the base path.
    func request(
        method: String, path: String, query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [], payload: [UInt8] = []
    ) -> SigV4Request {
        SigV4Request(method: method, host: host, path: basePath + path, query: query, headers: headers, payload: payload)
    }
}
