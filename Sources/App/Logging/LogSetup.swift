import AppSupport
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KubeAPI
import Logging

/// Maps the original's klog `-v` levels onto swift-log and picks text or JSON lines on stderr.
enum LogSetup {
    static func level(verbosity: Int) -> Logger.Level {
        switch verbosity {
        case ..<3: return .info
        case 3: return .debug  // every add/update/delete event
        default: return .trace  // every decision
        }
    }

    static func bootstrap(format: String, verbosity: Int, quiet: Bool = false) {
        let level = quiet ? .warning : level(verbosity: verbosity)
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                format == "json" ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

/// One JSON object per line: `{"time":…,"level":…,"logger":…,"msg":…, metadata…}`.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let level = event.level
        let message = event.message
        let explicit = event.metadata
        var fields: [String: JSONValue] = [
            "time": .string(Date().ISO8601Format()), "level": .string(level.rawValue),
            "logger": .string(label), "msg": .string(message.description),
        ]
        for (key, value) in metadata.merging(explicit ?? [:], uniquingKeysWith: { $1 }) {
            fields[key] = .string(value.description)
        }
        StandardStreams.error(JSONDocument.encode(JSONValue.object(fields)) + [UInt8(ascii: "\n")])
    }
}
