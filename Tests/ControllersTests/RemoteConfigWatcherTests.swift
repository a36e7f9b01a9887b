import Controllers
import Providers
import TestSupport
import Testing

/// `-remote-config` is read again when it changes: each change yields the new list or the one-line error.
@Suite(.timeLimit(.minutes(1))) struct RemoteConfigWatcherTests {
    /// What the watcher yielded so far.
    actor Readings {
        private(set) var all: [RemoteConfigReading] = []
        func append(_ reading: RemoteConfigReading) { all.append(reading) }
    }

    /// Watches `path` (polling every 20 ms) while `body` runs.
    static func watching(_ path: String, _ body: (Readings) async throws -> Void) async throws {
        let readings = Readings()
        let watcher = RemoteConfigWatcher(path: path, interval: .milliseconds(20))
        let task = Task {
            for await reading in watcher.readings() { await readings.append(reading) }
        }
        defer { task.cancel() }
        try await body(readings)
    }

    static func remote(_ name: String, kubeconfig: String) -> RemoteSpec {
        RemoteSpec(name: name, providerFlags: ProviderFlags(remoteProvider: "kubeconfig", remoteKubeconfig: kubeconfig))
    }

    static func entry(_ name: String) -> String {
        "  - {name: \(name), provider: kubeconfig, kubeconfig: /k/\(name).yaml}\n"
    }

    @Test func aChangedFileYieldsTheNewListOnce() async throws {
        try await TemporaryDirectory.with { folder in
            let path = try folder.write("remotes.yaml", "remotes:\n" + Self.entry("west"))
            try await Self.watching(path) { readings in
                let west = Self.remote("west", kubeconfig: "/k/west.yaml")
                let east = Self.remote("east", kubeconfig: "/k/east.yaml")
                try await expectEventually { await readings.all == [.loaded([west])] }
                try folder.write("remotes.yaml", "remotes:\n" + Self.entry("west") + Self.entry("east"))
                try await expectEventually { await readings.all == [.loaded([west]), .loaded([west, east])] }
                try folder.write("remotes.yaml", "remotes:\n" + Self.entry("east"))
                try await expectEventually { await readings.all.last == .loaded([east]) }
                try await Task.sleep(for: .milliseconds(200))
                #expect(await readings.all.count == 3, "an unchanged file yields nothing")
            }
        }
    }

    @Test func aBrokenEditYieldsItsErrorAndTheFixIsTakenAgain() async throws {
        try await TemporaryDirectory.with { folder in
            let path = try folder.write("remotes.yaml", "remotes:\n" + Self.entry("west"))
            try await Self.watching(path) { readings in
                let west = Self.remote("west", kubeconfig: "/k/west.yaml")
                try await expectEventually { await readings.all == [.loaded([west])] }
                try folder.write("remotes.yaml", "remotes:\n  - {name: east, provider: gke, project: p, cluster-name: east}\n")
                let error = RemoteConfigError("remote-config \(path): remotes[0] (east): field \"zone\": required for provider gke")
                try await expectEventually { await readings.all.last == .rejected(error) }
                try folder.write("remotes.yaml", "remotes:\n" + Self.entry("west"))
                try await expectEventually { await readings.all == [.loaded([west]), .rejected(error), .loaded([west])] }
            }
        }
    }

    @Test func aMissingFileIsAnErrorUntilItAppears() async throws {
        try await TemporaryDirectory.with { folder in
            let path = folder.file("remotes.yaml")
            try await Self.watching(path) { readings in
                let error = RemoteConfigError("remote-config \(path): cannot be read: No such file or directory")
                try await expectEventually { await readings.all == [.rejected(error)] }
                try folder.write("remotes.yaml", "remotes:\n" + Self.entry("west"))
                try await expectEventually {
                    await readings.all == [.rejected(error), .loaded([Self.remote("west", kubeconfig: "/k/west.yaml")])]
                }
            }
        }
    }

    /// The kubelet updates a ConfigMap volume by swapping `..data`: the path stays a symlink to
    /// `..data/remotes.yaml`, and here the new content even has the same size.
    @Test func aConfigMapSymlinkSwapIsNoticed() async throws {
        try await TemporaryDirectory.with { folder in
            let text = { (name: String) in "remotes:\n  - {name: \(name), provider: kubeconfig, kubeconfig: \(name).yaml}\n" }
            try folder.publishAsConfigMap("remotes.yaml", text("west"), version: "2026_01_01_v1")
            let path = folder.file("remotes.yaml")
            try await Self.watching(path) { readings in
                // Relative paths point next to the path mounted, not into the versioned folder.
                let west = Self.remote("west", kubeconfig: folder.file("west.yaml"))
                let east = Self.remote("east", kubeconfig: folder.file("east.yaml"))
                try await expectEventually { await readings.all == [.loaded([west])] }
                try folder.publishAsConfigMap("remotes.yaml", text("east"), version: "2026_01_01_v2")
                try await expectEventually { await readings.all == [.loaded([west]), .loaded([east])] }
            }
        }
    }
}

/// The watcher acts on the first reading, then on a new content only once two polls in a row saw it.
@Suite struct SettledChangeTests {
    @Test(
        arguments: [
            ("the first value at once", ["a"], ["a"]),
            ("an unchanged value never again", ["a", "a", "a"], ["a"]),
            ("a change once it held for two polls", ["a", "b", "b", "b"], ["a", "b"]),
            ("a value seen once (a half-written file) is never taken", ["a", "half", "b", "b"], ["a", "b"]),
            ("a flicker back to the taken value is nothing", ["a", "b", "a", "a"], ["a"]),
            ("back to an earlier value, settled", ["a", "b", "b", "a", "a"], ["a", "b", "a"]),
        ])
    func actsOnSettledValues(_ description: String, polls: [String], taken: [String]) {
        var changes = SettledChange<String>()
        #expect(polls.compactMap { changes.observe($0) } == taken, "\(description)")
    }
}
