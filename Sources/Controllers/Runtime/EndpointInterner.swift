import KubeAPI
import Synchronization

/// Shares the storage of equal endpoint lists between cached objects.
///
/// Every mirrored service points at the same remote nodes, so the local slices of 3000 services hold 3000
/// copies of the same endpoints: at 1000 nodes that is millions of `Endpoint` values. Interning the
/// lists as the informer caches them keeps one copy per distinct list (copy-on-write arrays share a buffer).
///
/// With `-nodes-per-service` every service has a list of its own, so the endpoints in them are interned
/// one by one too: each remote node's endpoint is one shared `Endpoint` box, and a slice holds a pointer per
/// endpoint.
///
/// Node changes keep making new lists, so the list table is rebuilt from the lists the caches still hold
/// whenever it has grown to twice their number: a list no cached object uses is let go (an endpoint, once
/// nothing but the table holds it).
public final class EndpointInterner: Sendable {
    private let slices: Table<Endpoint>
    private let subsets: Table<EndpointSubset>
    private let endpoints: EndpointTable

    /// `minimumCapacity` is the table size below which nothing is pruned.
    public init(minimumCapacity: Int = 64) {
        slices = Table(minimumCapacity: minimumCapacity)
        subsets = Table(minimumCapacity: minimumCapacity)
        endpoints = EndpointTable(minimumCapacity: minimumCapacity)
    }

    /// Where the lists in use come from: the caches the interned objects end up in.
    public func trackLiveLists(
        slices: @escaping @Sendable () -> [[Endpoint]], subsets: @escaping @Sendable () -> [[EndpointSubset]]
    ) {
        self.slices.live.withLock { $0 = slices }
        self.subsets.live.withLock { $0 = subsets }
    }

    public func intern(_ slice: EndpointSlice) -> EndpointSlice {
        var slice = slice
        slice.endpoints = slices.intern(slice.endpoints) { endpoints.intern($0) }
        return slice
    }

    public func intern(_ endpoints: Endpoints) -> Endpoints {
        var endpoints = endpoints
        endpoints.subsets = subsets.intern(endpoints.subsets)
        return endpoints
    }

    /// Distinct lists held now (for tests and metrics).
    public var internedListCount: Int { slices.count + subsets.count }

    /// Distinct slice endpoints held now (for tests and metrics).
    public var internedEndpointCount: Int { endpoints.count }

    final class Table<Element: Hashable & Sendable>: Sendable {
        let minimumCapacity: Int
        let live = Mutex<(@Sendable () -> [[Element]])?>(nil)
        private let table = Mutex<(lists: [[Element]: [Element]], pruneAt: Int)>(([:], 0))

        init(minimumCapacity: Int) {
            self.minimumCapacity = minimumCapacity
            table.withLock { $0.pruneAt = minimumCapacity }
        }

        var count: Int { table.withLock { $0.lists.count } }

        /// The shared copy of `list`; a list seen for the first time is stored with `element` applied to each
        /// of its elements (outside the table's lock).
        func intern(_ list: [Element], element: (Element) -> Element = { $0 }) -> [Element] {
            guard !list.isEmpty else { return list }
            if let shared = table.withLock({ $0.lists[list] }) { return shared }
            let fresh = list.map(element)
            let (shared, mustPrune) = table.withLock { table -> ([Element], Bool) in
                if let shared = table.lists[fresh] { return (shared, false) }
                table.lists[fresh] = fresh
                return (fresh, table.lists.count >= table.pruneAt)
            }
            if mustPrune { prune(keeping: shared) }
            return shared
        }

        /// Keeps only the lists the caches hold (they are the interned copies) and `newest`, which is on its way
        /// into a cache. The caches are read outside the table's lock.
        private func prune(keeping newest: [Element]) {
            let inUse = live.withLock { $0 }?() ?? []
            table.withLock { table in
                var kept: [[Element]: [Element]] = [newest: newest]
                // Cached lists are interned already: thousands of slices share a few buffers, so each buffer
                // is hashed once, not once per slice.
                var seen: Set<UnsafeRawPointer> = []
                for list in inUse where !list.isEmpty {
                    guard let buffer = list.withUnsafeBufferPointer({ $0.baseAddress.map(UnsafeRawPointer.init) }),
                        seen.insert(buffer).inserted
                    else { continue }
                    kept[list] = list
                }
                table.lists = kept
                table.pruneAt = max(minimumCapacity, 2 * kept.count)
            }
        }
    }

    /// Single endpoints, shared across lists. An endpoint only the table still holds (its box uniquely
    /// referenced) is let go when the table has doubled since the last sweep; no cache needs to be consulted,
    /// so a snapshot being interned, which no cache holds yet, keeps sharing.
    final class EndpointTable: Sendable {
        let minimumCapacity: Int
        /// Endpoints by hash value: buckets give in-place access to each stored endpoint for the uniqueness check.
        private let table = Mutex<(buckets: [Int: [Endpoint]], count: Int, sweepAt: Int)>(([:], 0, 0))

        init(minimumCapacity: Int) {
            self.minimumCapacity = minimumCapacity
            table.withLock { $0.sweepAt = minimumCapacity }
        }

        var count: Int { table.withLock { $0.count } }

        func intern(_ endpoint: Endpoint) -> Endpoint {
            table.withLock { table in
                let hash = endpoint.hashValue
                if let shared = table.buckets[hash]?.first(where: { $0 == endpoint }) { return shared }
                table.buckets[hash, default: []].append(endpoint)
                table.count += 1
                if table.count >= table.sweepAt { sweep(&table) }
                return endpoint
            }
        }

        private func sweep(_ table: inout (buckets: [Int: [Endpoint]], count: Int, sweepAt: Int)) {
            var kept = 0
            for hash in Array(table.buckets.keys) {
                guard var bucket = table.buckets.removeValue(forKey: hash) else { continue }
                var index = bucket.count - 1
                while index >= 0 {
                    if bucket[index].isOnlyReference() { bucket.remove(at: index) }
                    index -= 1
                }
                kept += bucket.count
                if !bucket.isEmpty { table.buckets[hash] = bucket }
            }
            table.count = kept
            table.sweepAt = max(minimumCapacity, 2 * kept)
        }
    }
}
