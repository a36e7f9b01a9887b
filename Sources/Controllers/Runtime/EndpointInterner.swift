import KubeAPI
import Synchronization

/// Shares the storage of equal endpoint lists between cached objects.
///
/// Every mirrored service points at the same remote nodes, so the local slices of 3000 services hold 3000
/// copies of the same endpoints: at 1000 nodes that is millions of `Endpoint` values. Interning the
/// lists as the informer caches them keeps one copy per distinct list (copy-on-write arrays share a buffer).
///
/// Node changes keep making new lists, so the table is rebuilt from the lists the caches still hold
/// whenever it has grown to twice their number: a list no cached object uses is let go.
public final class EndpointInterner: Sendable {
    private let slices: Table<Endpoint>
    private let subsets: Table<EndpointSubset>

    /// `minimumCapacity` is the table size below which nothing is pruned.
    public init(minimumCapacity: Int = 64) {
        slices = Table(minimumCapacity: minimumCapacity)
        subsets = Table(minimumCapacity: minimumCapacity)
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
        slice.endpoints = slices.intern(slice.endpoints)
        return slice
    }

    public func intern(_ endpoints: Endpoints) -> Endpoints {
        var endpoints = endpoints
        endpoints.subsets = subsets.intern(endpoints.subsets)
        return endpoints
    }

    /// Distinct lists held now (for tests and metrics).
    public var internedListCount: Int { slices.count + subsets.count }

    final class Table<Element: Hashable & Sendable>: Sendable {
        let minimumCapacity: Int
        let live = Mutex<(@Sendable () -> [[Element]])?>(nil)
        private let table = Mutex<(lists: [[Element]: [Element]], pruneAt: Int)>(([:], 0))

        init(minimumCapacity: Int) {
            self.minimumCapacity = minimumCapacity
            table.withLock { $0.pruneAt = minimumCapacity }
        }

        var count: Int { table.withLock { $0.lists.count } }

        func intern(_ list: [Element]) -> [Element] {
            guard !list.isEmpty else { return list }
            let (shared, mustPrune) = table.withLock { table -> ([Element], Bool) in
                if let shared = table.lists[list] { return (shared, false) }
                table.lists[list] = list
                return (list, table.lists.count >= table.pruneAt)
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
}
