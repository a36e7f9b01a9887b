/// Why a cluster configuration or credential could not be produced: one line naming the file, context or field
/// and what to do. Never contains tokens, passwords or keys.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The whole one-line message.
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }

    /// An error about one kubeconfig file (or a merged list of them, shown colon-separated).
    static func kubeconfig(_ path: String, _ detail: String) -> ConfigError {
        ConfigError("kubeconfig \(path): \(detail)")
    }
}
