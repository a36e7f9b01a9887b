import KubeAPI

/// Which slice each node goes into. Existing placements are kept, so adding or removing a node rewrites one
/// slice instead of every slice after it in name order; new nodes fill free room first, then new slices.
enum EndpointSlicePlacement {
    /// Slice index and its entries, by index; entries sorted by node name within a slice.
    static func place(
        _ entries: [NodeAddressEntry], family: IPAddressFamily, service: String, capacity: Int,
        existing: [EndpointSlice], source: String? = nil
    ) -> [(index: Int, entries: [NodeAddressEntry])] {
        let previous = previousPlacement(family: family, service: service, existing: existing, source: source)
        let minimumSlices = (entries.count + capacity - 1) / capacity
        guard !previous.isEmpty else { return chunked(entries, capacity: capacity) }

        let byAddress = Dictionary(entries.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
        var placed = Set<String>()
        var slots: [Int: [NodeAddressEntry]] = [:]
        for (index, addresses) in previous.sorted(by: { $0.key < $1.key }) {
            var kept: [NodeAddressEntry] = []
            for address in addresses where kept.count < capacity {
                guard let entry = byAddress[address], placed.insert(address).inserted else { continue }
                kept.append(entry)
            }
            slots[index] = kept
        }
        var unplaced = entries.filter { !placed.contains($0.address) }[...]
        for index in slots.keys.sorted() {
            let room = capacity - (slots[index]?.count ?? 0)
            guard room > 0, !unplaced.isEmpty else { continue }
            slots[index, default: []] += unplaced.prefix(room)
            unplaced = unplaced.dropFirst(room)
        }
        var nextIndex = 0
        while !unplaced.isEmpty {
            while slots[nextIndex] != nil { nextIndex += 1 }
            slots[nextIndex] = Array(unplaced.prefix(capacity))
            unplaced = unplaced.dropFirst(capacity)
        }
        let filled = slots.filter { !$0.value.isEmpty }
        // Too fragmented after many removals: repack once rather than keep many half-empty slices.
        guard filled.count <= minimumSlices + 1 else { return chunked(entries, capacity: capacity) }
        let order: (NodeAddressEntry, NodeAddressEntry) -> Bool = {
            ($0.nodeName, $0.address) < ($1.nodeName, $1.address)
        }
        return filled.keys.sorted().map { (index: $0, entries: (filled[$0] ?? []).sorted(by: order)) }
    }

    /// Consecutive chunks of at most `capacity`, indexed from 0.
    private static func chunked(_ entries: [NodeAddressEntry], capacity: Int) -> [(
        index: Int, entries: [NodeAddressEntry]
    )] {
        stride(from: 0, to: entries.count, by: capacity).enumerated().map { number, start in
            (index: number, entries: Array(entries[start..<min(start + capacity, entries.count)]))
        }
    }

    /// The addresses of barrelman's existing slices of this service and family, by slice index.
    private static func previousPlacement(
        family: IPAddressFamily, service: String, existing: [EndpointSlice], source: String?
    ) -> [Int: [String]] {
        let addressType: EndpointSlice.AddressType = family == .ipv4 ? .ipv4 : .ipv6
        var placement: [Int: [String]] = [:]
        for slice in existing
        where BarrelmanLabels.isOurEndpointSlice(slice) && slice.addressType == addressType
            && slice.metadata.labels[BarrelmanLabels.serviceNameLabel] == service
        {
            guard let index = EndpointSliceNaming.index(
                of: slice.metadata.name, service: service, family: family, source: source)
            else { continue }
            placement[index] = slice.endpoints.compactMap(\.addresses.first)
        }
        return placement
    }
}
