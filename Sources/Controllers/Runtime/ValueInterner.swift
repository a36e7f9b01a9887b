import Synchronization

/// Hands out one shared copy of equal values (strings, label maps), so thousands of cached objects holding
/// the same value hold one heap buffer between them instead of one each.
///
/// Two generations bound the table: values go into the current one; when it is full it becomes the previous
/// one and the one before is dropped. A value looked up again moves to the current generation, so values in
/// steady use stay shared and one-offs are let go. Dropping a value never changes an object that holds it;
/// only a later equal value gets a copy of its own.
final class ValueInterner<Value: Hashable & Sendable>: Sendable {
    private let generationSize: Int
    private let tables = Mutex<(current: [Value: Value], previous: [Value: Value])>(([:], [:]))

    init(generationSize: Int = 4096) {
        self.generationSize = max(generationSize, 1)
    }

    /// The shared copy of `value`; a value not held yet is stored as `prepare` makes it (e.g. with its
    /// parts interned), prepared outside the lock.
    func intern(_ value: Value, prepare: (Value) -> Value = { $0 }) -> Value {
        if let shared = tables.withLock({ lookUp(value, in: &$0) }) { return shared }
        let prepared = prepare(value)
        return tables.withLock { tables in
            if let shared = lookUp(prepared, in: &tables) { return shared }
            store(prepared, in: &tables)
            return prepared
        }
    }

    /// Values held now, both generations (for tests).
    var count: Int { tables.withLock { $0.current.count + $0.previous.count } }

    private func lookUp(_ value: Value, in tables: inout (current: [Value: Value], previous: [Value: Value])) -> Value? {
        if let shared = tables.current[value] { return shared }
        guard let shared = tables.previous.removeValue(forKey: value) else { return nil }
        store(shared, in: &tables)
        return shared
    }

    private func store(_ value: Value, in tables: inout (current: [Value: Value], previous: [Value: Value])) {
        tables.current[value] = value
        if tables.current.count >= generationSize {
            tables.previous = tables.current
            tables.current = [:]
        }
    }
}
