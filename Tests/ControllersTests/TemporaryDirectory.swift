import Foundation

/// A fresh folder under the system's temporary directory, removed after `body`; writes files in it the ways
/// editors and the kubelet do.
struct TemporaryDirectory {
    let path: String

    static func with<T>(_ body: (TemporaryDirectory) async throws -> T) async throws -> T {
        let folder = try make()
        defer { try? FileManager.default.removeItem(atPath: folder.path) }
        return try await body(folder)
    }

    static func with<T>(_ body: (TemporaryDirectory) throws -> T) throws -> T {
        let folder = try make()
        defer { try? FileManager.default.removeItem(atPath: folder.path) }
        return try body(folder)
    }

    private static func make() throws -> TemporaryDirectory {
        let path = NSTemporaryDirectory() + "/controllers-test-" + UUID().uuidString.lowercased()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return TemporaryDirectory(path: path)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Writes `name` as a new file renamed over the old one, as most editors and `kubectl cp` do.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, bytes: Array(text.utf8))
    }

    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        try Data(bytes).write(to: URL(fileURLWithPath: file(name)), options: .atomic)
        return file(name)
    }

    /// A ConfigMap volume as the kubelet lays it out: `name` -> `..data/name`, `..data` -> `..VERSION`.
    /// Each call publishes a new version by swapping the `..data` symlink atomically.
    func publishAsConfigMap(_ name: String, _ text: String, version: String) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: file("..\(version)"), withIntermediateDirectories: true)
        try write("..\(version)/\(name)", text)
        try manager.createSymbolicLink(atPath: file("..data_tmp"), withDestinationPath: "..\(version)")
        guard rename(file("..data_tmp"), file("..data")) == 0 else { throw CocoaError(.fileWriteUnknown) }
        if (try? manager.destinationOfSymbolicLink(atPath: file(name))) == nil {
            try manager.createSymbolicLink(atPath: file(name), withDestinationPath: "..data/\(name)")
        }
    }
}
