/// Why a `-remote-config` file was refused: one line naming the file, the remote (by index and name) and the
/// field, and what to do. At startup barrelman refuses to start with it; on reload it keeps the last good
/// configuration and logs it as a Warning.
public struct RemoteConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The whole one-line message.
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
