/// Why a remote cluster could not be resolved: one line naming the cause and the fix. Never contains secrets.
public struct ProviderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The whole one-line message.
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
