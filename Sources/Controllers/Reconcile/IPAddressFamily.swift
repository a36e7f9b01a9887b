#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The family of a textual IP address, as EndpointSlices separate them.
public enum IPAddressFamily: String, Sendable, Hashable, CaseIterable {
    case ipv4
    case ipv6

    /// The family of `address`, or nil when it is not an IP address (a host name, garbage, a zoned address).
    public init?(parsing address: String) {
        guard let parsed = ParsedIPAddress(address) else { return nil }
        self = parsed.family
    }

    /// The family of `address` when an EndpointSlice may carry it; nil for non-addresses and for the ranges the
    /// API refuses in endpoints (unspecified, loopback, link-local, link-local multicast), since one such address
    /// would make the whole slice invalid.
    public init?(endpointAddress address: String) {
        guard let parsed = ParsedIPAddress(address), !parsed.isSpecialPurpose else { return nil }
        self = parsed.family
    }
}

/// An address parsed by inet_pton: its family and its bytes (4 for IPv4, 16 for IPv6).
private struct ParsedIPAddress {
    var family: IPAddressFamily
    var bytes: [UInt8]

    init?(_ address: String) {
        var buffer = (UInt64(0), UInt64(0))  // 16 bytes: room for an in6_addr
        let parsed = address.withCString { text in
            withUnsafeMutableBytes(of: &buffer) { raw -> (IPAddressFamily, [UInt8])? in
                // inet_pton is pure parsing, no I/O; it rejects leading zeros and zone suffixes like kube does.
                if inet_pton(AF_INET, text, raw.baseAddress) == 1 { return (.ipv4, Array(raw.prefix(4))) }
                if inet_pton(AF_INET6, text, raw.baseAddress) == 1 { return (.ipv6, Array(raw.prefix(16))) }
                return nil
            }
        }
        guard let parsed else { return nil }
        (family, bytes) = parsed
    }

    /// kube's ValidateNonSpecialIP (unspecified, loopback, link-local unicast and multicast), plus IPv4-mapped
    /// IPv6 addresses (::ffff:a.b.c.d), which kube refuses in IPv6 slices.
    var isSpecialPurpose: Bool {
        let view = bytes
        if family == .ipv6, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            return true
        }
        if view.count == 4 {
            return view == [0, 0, 0, 0] || view[0] == 127 || (view[0] == 169 && view[1] == 254)
                || (view[0] == 224 && view[1] == 0 && view[2] == 0)
        }
        let unspecified = view.allSatisfy { $0 == 0 }
        let loopback = view[0..<15].allSatisfy { $0 == 0 } && view[15] == 1
        let linkLocal = view[0] == 0xfe && (view[1] & 0xc0) == 0x80
        let linkLocalMulticast = view[0] == 0xff && (view[1] & 0x0f) == 0x02
        return unspecified || loopback || linkLocal || linkLocalMulticast
    }
}
