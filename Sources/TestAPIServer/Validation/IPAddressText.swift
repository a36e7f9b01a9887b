#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IP address as kube reads one from text (Go's `net.ParseIP`): its bytes, 4 for IPv4 (also for IPv4-mapped
/// IPv6 text, which Go treats as IPv4) and 16 for IPv6, and the ranges endpoints may not use.
struct IPAddressText: Sendable, Hashable {
    let bytes: [UInt8]
    /// The text parsed as IPv6 but is an IPv4-mapped address (`::ffff:a.b.c.d`).
    let wasIPv4Mapped: Bool

    init?(_ text: String) {
        if let v4 = Self.parse(text, family: AF_INET) {
            bytes = v4
            wasIPv4Mapped = false
        } else if let v6 = Self.parse(text, family: AF_INET6) {
            let mapped = v6[0..<10].allSatisfy { $0 == 0 } && v6[10] == 0xff && v6[11] == 0xff
            bytes = mapped ? Array(v6[12..<16]) : v6
            wasIPv4Mapped = mapped
        } else {
            return nil
        }
    }

    var isIPv4: Bool { bytes.count == 4 }

    /// The canonical text, as Go's `IP.String()` writes it (what the mirroring controller stores).
    var canonical: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family = isIPv4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { raw in
            buffer.withUnsafeMutableBufferPointer { out in
                inet_ntop(family, raw.baseAddress, out.baseAddress, socklen_t(out.count)) != nil
            }
        }
        guard ok else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// kube's ValidateNonSpecialIP message for an address in a range endpoints may not use; nil when allowed.
    func specialRangeProblem(text: String) -> String? {
        let v4 = isIPv4
        if bytes.allSatisfy({ $0 == 0 }) { return "may not be unspecified (\(text))" }
        if v4 ? bytes[0] == 127 : (bytes[0..<15].allSatisfy { $0 == 0 } && bytes[15] == 1) {
            return "may not be in the loopback range (127.0.0.0/8, ::1/128)"
        }
        if v4 ? (bytes[0] == 169 && bytes[1] == 254) : (bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80) {
            return "may not be in the link-local range (169.254.0.0/16, fe80::/10)"
        }
        if v4 ? (bytes[0] == 224 && bytes[1] == 0 && bytes[2] == 0) : (bytes[0] == 0xff && bytes[1] & 0x0f == 0x02) {
            return "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"
        }
        return nil
    }

    private static func parse(_ text: String, family: Int32) -> [UInt8]? {
        var buffer = (UInt64(0), UInt64(0))
        let ok = text.withCString { cText in
            withUnsafeMutableBytes(of: &buffer) { inet_pton(family, cText, $0.baseAddress) == 1 }
        }
        guard ok else { return nil }
        return withUnsafeBytes(of: &buffer) { Array($0.prefix(family == AF_INET ? 4 : 16)) }
    }
}
