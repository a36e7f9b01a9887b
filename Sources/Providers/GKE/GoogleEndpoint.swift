/// Validation of the base URLs that tests (and unusual setups) may override: Google's endpoints are
/// HTTPS; plain HTTP is accepted only on loopback, where nothing leaves the machine.
enum GoogleEndpoint {
    /// `url` without a trailing slash, or an error naming `origin` (the flag or file field it came from).
    static func validated(_ url: String, origin: String) throws(ProviderError) -> String {
        var trimmed = url
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        let lowered = trimmed.lowercased()
        if lowered.hasPrefix("https://"), host(of: trimmed) != nil {
            return trimmed
        }
        if lowered.hasPrefix("http://"), let host = host(of: trimmed) {
            guard isLoopback(host) else {
                throw ProviderError(
                    "\(origin) \(trimmed): plain http is allowed only for loopback hosts (use https://)")
            }
            return trimmed
        }
        throw ProviderError("\(origin) \(trimmed): not an http(s) URL (expected https://host[:port][/path])")
    }

    /// The host of `scheme://[userinfo@]host[:port][/path]`, brackets kept for IPv6; nil when empty.
    static func host(of url: String) -> String? {
        guard let schemeEnd = url.firstRange(of: "://") else { return nil }
        var authority = url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        let host: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[...close]
        } else {
            host = authority.prefix { $0 != ":" }
        }
        return host.isEmpty ? nil : String(host)
    }

    /// 127.0.0.0/8, `localhost` and `[::1]`.
    static func isLoopback(_ host: String) -> Bool {
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered == "[::1]" { return true }
        let octets = lowered.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0] == "127" else { return false }
        return octets.allSatisfy { octet in
            !octet.isEmpty && octet.count <= 3 && octet.allSatisfy(\.isASCII) && (UInt8(octet) != nil)
        }
    }
}
