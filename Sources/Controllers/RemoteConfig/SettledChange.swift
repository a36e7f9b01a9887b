/// Which polled values to act on: the first one, then a different one only once two polls in a row saw it.
/// A file caught halfway through a non-atomic write (truncated, then written) is seen once and never taken.
public struct SettledChange<Value: Equatable>: Sendable where Value: Sendable {
    private var taken: Value?
    private var previous: Value?

    public init() {}

    /// The value to act on now, or nil.
    public mutating func observe(_ value: Value) -> Value? {
        defer { previous = value }
        guard let taken else {
            self.taken = value
            return value
        }
        guard value == previous, value != taken else { return nil }
        self.taken = value
        return value
    }
}
