import KubeAPI

/// Reads a `-remote-config` file from disk and parses it (`RemoteConfigParser`).
public enum RemoteConfigFile {
    /// The remotes of the file at `path`, or the one-line reason it cannot be used (unreadable, not UTF-8,
    /// or refused by the parser). At startup, refuse to start with it.
    public static func load(path: String) throws(RemoteConfigError) -> [RemoteSpec] {
        try parse(try contents(path: path), path: path)
    }

    /// The file's bytes; the error names the file and the system's reason.
    static func contents(path: String) throws(RemoteConfigError) -> [UInt8] {
        try FileReading.bytes(atPath: path) { reason in
            RemoteConfigError("remote-config \(path): cannot be read: \(reason)")
        }
    }

    static func parse(_ bytes: [UInt8], path: String) throws(RemoteConfigError) -> [RemoteSpec] {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw RemoteConfigError("remote-config \(path): is not UTF-8 text; write the file as YAML in UTF-8")
        }
        return try RemoteConfigParser(path: path).parse(text)
    }
}
