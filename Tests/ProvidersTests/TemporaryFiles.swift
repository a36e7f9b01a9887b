import Foundation

/// A fresh directory under the system's temporary directory, removed after `body`.
struct TemporaryFiles {
    let path: String

    static func with<T>(_ body: (TemporaryFiles) async throws -> T) async throws -> T {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent(
            "providers-test-" + UUID().uuidString.lowercased())
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await body(TemporaryFiles(path: path))
    }

    @discardableResult
    func write(_ name: String, _ text: String, executable: Bool = false) throws -> String {
        let file = (path as NSString).appendingPathComponent(name)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        if executable {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file)
        }
        return file
    }
}

/// The message of a thrown `ProviderError`, or nil when `body` succeeds.
func providerErrorMessage<T>(_ body: () async throws -> T) async -> String? {
    do {
        _ = try await body()
        return nil
    } catch let error as ProviderErrorLike {
        return error.message
    } catch {
        return "unexpected error type: \(error)"
    }
}
