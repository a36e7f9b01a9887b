import KubeAPI
import Synchronization

/// Shares the storage of equal endpoint lists between cached objects.
///
/// Every mirrored service points at the same remote nodes, so the local slices of 3000 services hold 3000
/// copies of the same endpoints: at 1000 nodes that is millions of `Endpoint` values. Interning the
/// lists as the informer caches them keeps one copy per distinct list (copy-on-write arrays share a buffer).
public final class EndpointInterner: Sendable {
    private let capacity: Int
    private let slices = Mutex<[[Endpoint]: [Endpoint]]>([:])
    private let subsets = Mutex<[[EndpointSubset]: [EndpointSubset]]>([:])

    /// `capacity` bounds the table; when full it starts over, which only costs sharing, never correctness.
    public init(capacity: Int = 4096) {
        self.capacity = capacity
    }

    public func intern(_ slice: EndpointSlice) -> EndpointSlice {
        var slice = slice
        slice.endpoints = Self.intern(slice.endpoints, in: slices, capacity: capacity)
        return slice
    }

    public func intern(_ endpoints: Endpoints) -> Endpoints {
        var endpoints = endpoints
        endpoints.subsets = Self.intern(endpoints.subsets, in: subsets, capacity: capacity)
        return endpoints
    }

    private static func intern<Element: Hashable & Sendable>(
        _ list: [Element], in table: borrowing Mutex<[[Element]: [Element]]>, capacity: Int
    ) -> [Element] {
        guard !list.isEmpty else { return list }
        return table.withLock { table in
            if let shared = table[list] { return shared }
            if table.count >= capacity { table.removeAll(keepingCapacity: true) }
            table[list] = list
            return list
        }
    }
}
