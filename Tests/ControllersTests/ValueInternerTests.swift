@testable import Controllers
import Testing

/// Equal values come back as one shared copy; the table stays bounded, keeping what is in steady use.
@Suite struct ValueInternerTests {
    static func buffer(_ string: String) -> UnsafeRawPointer? {
        string.utf8.withContiguousStorageIfAvailable { UnsafeRawPointer($0.baseAddress) } ?? nil
    }

    @Test func equalValuesShareOneCopy() {
        let interner = ValueInterner<String>()
        let first = interner.intern(String(repeating: "barrelman.tfw.io/", count: 2))
        let second = interner.intern(String(repeating: "barrelman.tfw.io/", count: 2))
        #expect(Self.buffer(first) != nil && Self.buffer(first) == Self.buffer(second))
        #expect(interner.count == 1)
    }

    @Test func oneOffsAreLetGoAndValuesInUseStay() {
        let interner = ValueInterner<String>(generationSize: 8)
        let hot = interner.intern("a value longer than fifteen bytes")
        for index in 0..<1000 {
            _ = interner.intern("a one-off value number \(index)")
            #expect(interner.count <= 16, "the table grew to \(interner.count) values")
            if index % 4 == 0 { _ = interner.intern("a value longer than fifteen bytes") }
        }
        #expect(Self.buffer(interner.intern("a value longer than fifteen bytes")) == Self.buffer(hot))
    }

    @Test func preparesOnlyValuesItDoesNotHoldYet() {
        let interner = ValueInterner<[String]>()
        var prepared = 0
        for _ in 0..<3 {
            _ = interner.intern(["IPv4"]) { value in
                prepared += 1
                return value
            }
        }
        #expect(prepared == 1)
    }
}
