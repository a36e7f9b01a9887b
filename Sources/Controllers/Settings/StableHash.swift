/// A 64-bit hash that is the same in every process and on every machine (Swift's `Hasher` is seeded per
/// process): FNV-1a over the parts, separated, then a splitmix64 finaliser for avalanche.
public enum StableHash {
    public static func of(_ parts: String...) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for (index, part) in parts.enumerated() {
            if index > 0 { hash = (hash ^ 0xff) &* 0x0000_0100_0000_01b3 }
            for byte in part.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        }
        hash ^= hash >> 30
        hash = hash &* 0xbf58_476d_1ce4_e5b9
        hash ^= hash >> 27
        hash = hash &* 0x94d0_49bb_1331_11eb
        return hash ^ (hash >> 31)
    }
}

extension ControllerSettings {
    /// The leader-election Lease of this instance: one per remote identity and scope, so instances for different
    /// remotes (or namespaces) in one local namespace each lead, while replicas of one instance share it.
    public var leaseName: String {
        let hash = StableHash.of(ownership.identity, scope.annotationValue)
        let hex = String(hash, radix: 16)
        return "barrelman-" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
