#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A bearer token read from a file that may be rewritten at any time: projected service-account tokens rotate
/// (kubelet swaps the file roughly hourly), so the file is re-read when its modification time or size changes
/// (looked at no more often than `checkInterval`) and after every `invalidate()`.
public actor TokenFileCredentials: CredentialSource {
    /// The token file, absolute.
    public nonisolated let path: String
    private let checkInterval: Duration
    private let clock = ContinuousClock()

    private var token: String?
    private var fileStamp: FileStamp?
    private var lastCheck: ContinuousClock.Instant?

    /// - Parameter checkInterval: how long a read token is used before the file's stamp is looked at again.
    public init(path: String, checkInterval: Duration = .seconds(5)) {
        self.path = path
        self.checkInterval = checkInterval
    }

    public func credential() async throws(ConfigError) -> Credential {
        let now = clock.now
        if let token, let lastCheck, now - lastCheck < checkInterval {
            return Credential(bearerToken: token)
        }
        let stamp = try currentStamp()
        if let token, stamp == fileStamp {
            lastCheck = now
            return Credential(bearerToken: token)
        }
        let fresh = try readToken()
        token = fresh
        fileStamp = stamp
        lastCheck = now
        return Credential(bearerToken: fresh)
    }

    public func invalidate() async {
        token = nil
        fileStamp = nil
        lastCheck = nil
    }

    // MARK: private

    private func currentStamp() throws(ConfigError) -> FileStamp {
        try FileReading.stamp(atPath: path) { reason in ConfigError("token file \(path) cannot be read: \(reason)") }
    }

    private func readToken() throws(ConfigError) -> String {
        let bytes = try FileReading.bytes(atPath: path) { reason in
            ConfigError("token file \(path) cannot be read: \(reason)")
        }
        let token = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
        guard !token.isEmpty else {
            throw ConfigError("token file \(path) is empty (expected a bearer token)")
        }
        return token
    }
}
