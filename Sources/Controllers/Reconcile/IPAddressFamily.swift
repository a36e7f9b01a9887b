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
        var buffer = (UInt64(0), UInt64(0))  // 16 bytes: room for an in6_addr
        let parsed = address.withCString { text in
            withUnsafeMutableBytes(of: &buffer) { bytes -> Int32? in
                // inet_pton is pure parsing, no I/O; it rejects leading zeros and zone suffixes like kube does.
                if inet_pton(AF_INET, text, bytes.baseAddress) == 1 { return AF_INET }
                if inet_pton(AF_INET6, text, bytes.baseAddress) == 1 { return AF_INET6 }
                return nil
            }
        }
        switch parsed {
        case AF_INET: self = .ipv4
        case AF_INET6: self = .ipv6
        default: return nil
        }
    }
}
