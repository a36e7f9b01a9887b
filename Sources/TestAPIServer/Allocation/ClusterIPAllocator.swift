/// Hands out service ClusterIPs from an IPv4 CIDR, as kube's ipallocator does: the network address, the first
/// address (kept for the `kubernetes` service) and the broadcast address are never handed out.
struct ClusterIPAllocator: Sendable {
    let cidr: String
    private let base: UInt32
    private let size: UInt32
    private var allocated: Set<UInt32> = []
    private var cursor: UInt32 = 2

    /// kube's default service range, 10.96.0.0/12.
    static let kubeDefault = ClusterIPAllocator(cidr: "10.96.0.0/12", base: 0x0A60_0000, prefix: 12)

    private init(cidr: String, base: UInt32, prefix: UInt32) {
        self.cidr = cidr
        self.base = base
        self.size = UInt32(1) << (32 - prefix)
    }

    /// Parses `a.b.c.d/n`; nil when it is not an IPv4 CIDR with room for at least one service.
    init?(cidr: String) {
        let parts = cidr.split(separator: "/")
        guard parts.count == 2, let prefix = UInt32(parts[1]), prefix >= 1, prefix <= 30, let address = Self.parse(String(parts[0]))
        else { return nil }
        self.cidr = cidr
        self.size = UInt32(1) << (32 - prefix)
        let mask: UInt32 = ~((UInt32(1) << (32 - prefix)) - 1)
        self.base = address & mask
    }

    static func parse(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard let byte = UInt8(octet), String(byte) == octet else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }

    static func format(_ value: UInt32) -> String {
        "\(value >> 24).\((value >> 16) & 0xFF).\((value >> 8) & 0xFF).\(value & 0xFF)"
    }

    enum Failure: Error, Equatable {
        case notInRange
        case alreadyAllocated
        case full
    }

    /// Takes the next free address.
    mutating func allocateNext() throws(Failure) -> String {
        let usable = size - 3
        guard usable > 0 else { throw .full }
        for _ in 0..<usable {
            let offset = cursor
            cursor = cursor + 1 >= size - 1 ? 2 : cursor + 1
            if !allocated.contains(offset) {
                allocated.insert(offset)
                return Self.format(base + offset)
            }
        }
        throw .full
    }

    /// Takes a requested address.
    mutating func allocate(_ address: String) throws(Failure) {
        guard let value = Self.parse(address), value >= base, value - base >= 1, value - base < size - 1 else {
            throw .notInRange
        }
        guard allocated.insert(value - base).inserted else { throw .alreadyAllocated }
    }

    mutating func release(_ address: String) {
        guard let value = Self.parse(address), value >= base else { return }
        allocated.remove(value - base)
    }
}
