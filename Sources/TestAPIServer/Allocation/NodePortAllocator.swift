/// Hands out service node ports from a range (kube's default 30000-32767).
struct NodePortAllocator: Sendable {
    let range: ClosedRange<Int>
    private var allocated: Set<Int> = []
    private var cursor: Int

    init(range: ClosedRange<Int>) {
        self.range = range
        self.cursor = range.lowerBound
    }

    enum Failure: Error, Equatable {
        case notInRange
        case alreadyAllocated
        case full
    }

    mutating func allocateNext() throws(Failure) -> Int {
        for _ in 0..<range.count {
            let port = cursor
            cursor = cursor == range.upperBound ? range.lowerBound : cursor + 1
            if allocated.insert(port).inserted { return port }
        }
        throw .full
    }

    mutating func allocate(_ port: Int) throws(Failure) {
        guard range.contains(port) else { throw .notInRange }
        guard allocated.insert(port).inserted else { throw .alreadyAllocated }
    }

    func isAllocated(_ port: Int) -> Bool { allocated.contains(port) }

    mutating func release(_ port: Int) { allocated.remove(port) }
}
