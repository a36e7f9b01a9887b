import Logging
import Synchronization

/// Every line the loggers it made received, for tests that check what barrelman says (and never says).
public final class LogCapture: Sendable {
    struct Line {
        var level: Logger.Level
        var label: String
        var message: String
        var details: String
    }

    private let lines = Mutex<[Line]>([])

    public init() {}

    /// A logger at trace level that records into this capture.
    public func logger(_ label: String = "test") -> Logger {
        var logger = Logger(label: label) { label in Handler(label: label, capture: self) }
        logger.logLevel = .trace
        return logger
    }

    /// Each line whole: level, label, message, metadata, source and error (for secret scans).
    public var all: [String] {
        lines.withLock { $0.map { "\($0.level) \($0.label) \($0.message) \($0.details)" } }
    }

    /// Each line as `level message`.
    public var messages: [String] {
        lines.withLock { $0.map { "\($0.level) \($0.message)" } }
    }

    struct Handler: LogHandler {
        let label: String
        let capture: LogCapture
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let details = "\(merged) \(event.source) \(event.error.map { "\($0)" } ?? "")"
            capture.lines.withLock {
                $0.append(Line(level: event.level, label: label, message: "\(event.message)", details: details))
            }
        }
    }
}
