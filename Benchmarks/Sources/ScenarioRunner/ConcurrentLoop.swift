/// Runs `body` for every element of `range`, `width` at a time (as that many concurrent writers would).
func forEachConcurrently(
    _ range: Range<Int>, width: Int = 16, _ body: @escaping @Sendable (Int) async throws -> Void
) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        var next = range.lowerBound
        while next < range.upperBound && next < range.lowerBound + width {
            let index = next
            group.addTask { try await body(index) }
            next += 1
        }
        while try await group.next() != nil {
            if next < range.upperBound {
                let index = next
                group.addTask { try await body(index) }
                next += 1
            }
        }
    }
}
