/// One reading of a `-remote-config` file: its remotes, or why it cannot be used.
public enum RemoteConfigReading: Sendable, Hashable {
    case loaded([RemoteSpec])
    case rejected(RemoteConfigError)
}

/// Reads a `-remote-config` file again whenever it changes, so adding, removing or changing a remote needs no
/// restart. It only yields values: starting and stopping remotes is the caller's.
///
/// The file is polled by content, not by modification time: a ConfigMap or Secret volume swaps its `..data`
/// symlink to a new folder, which can leave the path's own mtime, size and inode unchanged. A content is
/// taken only once it has read the same at two polls in a row (`SettledChange`), so a file caught halfway
/// through a non-atomic write (truncated, then written) is never taken for the new configuration.
///
/// Use: the first reading decides startup (`.rejected`: refuse to start); then on each later `.loaded`
/// apply the new list (diff by `RemoteSpec.name`), on `.rejected` keep the last good one and log a Warning.
/// A `.loaded` may repeat the last good list (the file was broken, then restored).
public struct RemoteConfigWatcher: Sendable {
    public let path: String
    /// How often the file is read; a change is taken within two intervals.
    public let interval: Duration

    public init(path: String, interval: Duration = .seconds(2)) {
        self.path = path
        self.interval = interval
    }

    /// The file's reading now, then one each time its content changes, until the consumer stops iterating
    /// (or its task is cancelled).
    public func readings() -> AsyncStream<RemoteConfigReading> {
        let (stream, continuation) = AsyncStream.makeStream(of: RemoteConfigReading.self)
        let task = Task { [path, interval] in
            var changes = SettledChange<Snapshot>()
            while !Task.isCancelled {
                if let snapshot = changes.observe(Snapshot(path: path)) {
                    continuation.yield(snapshot.reading(path: path))
                }
                do { try await Task.sleep(for: interval) } catch { break }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// What one poll saw: the bytes, or why there were none.
    private enum Snapshot: Equatable, Sendable {
        case contents([UInt8])
        case unreadable(RemoteConfigError)

        init(path: String) {
            do {
                self = .contents(try RemoteConfigFile.contents(path: path))
            } catch {
                self = .unreadable(error)
            }
        }

        func reading(path: String) -> RemoteConfigReading {
            switch self {
            case .unreadable(let error):
                return .rejected(error)
            case .contents(let bytes):
                do {
                    return .loaded(try RemoteConfigFile.parse(bytes, path: path))
                } catch {
                    return .rejected(error)
                }
            }
        }
    }
}
