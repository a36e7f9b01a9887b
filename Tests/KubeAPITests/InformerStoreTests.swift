import Testing

@testable import KubeAPI

/// The informer's building blocks without a server: the store's snapshot diff and the backoff schedule.
@Suite struct InformerStoreTests {
    static func service(_ name: String, version: String) -> Service {
        Service(metadata: ObjectMeta(name: name, namespace: "ns", resourceVersion: version))
    }

    static func describe(_ events: [InformerEvent<Service>]) -> [String] {
        events.map { event in
            switch event {
            case .added(let s): return "added \(s.metadata.name)@\(s.metadata.resourceVersion ?? "")"
            case .updated(let old, let new):
                return "updated \(new.metadata.name)@\(old.metadata.resourceVersion ?? "")->\(new.metadata.resourceVersion ?? "")"
            case .deleted(let s, let unknown):
                return "deleted\(unknown ? "?" : "") \(s.metadata.name)@\(s.metadata.resourceVersion ?? "")"
            }
        }
    }

    @Test func replaceEmitsOnlyTheDifference() {
        let store = InformerStore<Service>()
        #expect(Self.describe(store.replace(with: [Self.service("a", version: "1"), Self.service("b", version: "2")]))
            == ["added a@1", "added b@2"])
        let events = store.replace(with: [Self.service("a", version: "1"), Self.service("c", version: "5"), Self.service("b", version: "4")])
        #expect(Self.describe(events) == ["added c@5", "updated b@2->4"])
        #expect(Self.describe(store.replace(with: [Self.service("c", version: "5")])) == ["deleted? a@1", "deleted? b@4"])
        #expect(store.keys().map(\.description) == ["ns/c"])
    }

    @Test func watchEventsMapToInformerEvents() {
        let store = InformerStore<Service>()
        #expect(Self.describe([store.apply(.added(Self.service("a", version: "1")))].compactMap { $0 }) == ["added a@1"])
        // An ADDED for a cached key is an update.
        #expect(Self.describe([store.apply(.added(Self.service("a", version: "2")))].compactMap { $0 }) == ["updated a@1->2"])
        #expect(Self.describe([store.apply(.modified(Self.service("b", version: "3")))].compactMap { $0 }) == ["added b@3"])
        #expect(Self.describe([store.apply(.deleted(Self.service("a", version: "4")))].compactMap { $0 }) == ["deleted a@4"])
        #expect(store.apply(.bookmark(resourceVersion: "9", annotations: [:])) == nil)
        #expect(store.list().map(\.metadata.name) == ["b"])
    }

    @Test func backoffGrowsWithinItsCapAndResets() {
        var backoff = Backoff(base: .milliseconds(100), cap: .seconds(1))
        var delays: [Duration] = []
        for _ in 0..<8 { delays.append(backoff.nextDelay()) }
        #expect(delays[0] >= .milliseconds(50) && delays[0] <= .milliseconds(100))
        #expect(delays[2] >= .milliseconds(200) && delays[2] <= .milliseconds(400))
        #expect(delays.allSatisfy { $0 <= .seconds(1) })
        #expect(delays[7] >= .milliseconds(500), "the cap is reached")
        backoff.reset()
        #expect(backoff.nextDelay() <= .milliseconds(100))
    }
}
