/// Keys waiting for a ready time: a binary min-heap by ready time, plus each key's current ready time.
/// A key re-added with an earlier time moves earlier (a later one is ignored), like client-go's
/// `waitingForQueue`; superseded heap entries are skipped when they surface.
struct DelayedItems<Key: Hashable & Sendable>: Sendable {
    private struct Entry: Sendable {
        var readyAt: ContinuousClock.Instant
        var sequence: UInt64
        var key: Key

        func precedes(_ other: Entry) -> Bool {
            readyAt != other.readyAt ? readyAt < other.readyAt : sequence < other.sequence
        }
    }

    private var heap: [Entry] = []
    private var readyTimes: [Key: ContinuousClock.Instant] = [:]
    private var nextSequence: UInt64 = 0

    var isEmpty: Bool { readyTimes.isEmpty }
    var count: Int { readyTimes.count }

    /// Schedules `key` at `readyAt` unless it already waits for an earlier (or the same) time.
    /// Returns whether the schedule changed.
    @discardableResult
    mutating func schedule(_ key: Key, at readyAt: ContinuousClock.Instant) -> Bool {
        if let existing = readyTimes[key], existing <= readyAt { return false }
        readyTimes[key] = readyAt
        nextSequence += 1
        push(Entry(readyAt: readyAt, sequence: nextSequence, key: key))
        return true
    }

    /// The earliest ready time of a live entry.
    mutating func earliest() -> ContinuousClock.Instant? {
        dropSuperseded()
        return heap.first?.readyAt
    }

    /// Removes and returns the keys ready at `now`, earliest first.
    mutating func popReady(now: ContinuousClock.Instant) -> [Key] {
        var ready: [Key] = []
        while let first = earliest(), first <= now, let entry = popFirst() {
            readyTimes[entry.key] = nil
            ready.append(entry.key)
        }
        return ready
    }

    mutating func removeAll() {
        heap.removeAll()
        readyTimes.removeAll()
    }

    private mutating func dropSuperseded() {
        while let first = heap.first, readyTimes[first.key] != first.readyAt {
            _ = popFirst()
        }
    }

    private mutating func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func popFirst() -> Entry? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let first = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].precedes(heap[smallest]) { smallest = left }
            if right < heap.count, heap[right].precedes(heap[smallest]) { smallest = right }
            guard smallest != parent else { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return first
    }
}
