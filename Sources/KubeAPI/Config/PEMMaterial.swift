/// Reads certificate and key material named by a kubeconfig and checks it looks like PEM, so that a wrong path
/// or a pasted-in-the-wrong-field value fails at startup with the field's name rather than at the first TLS
/// handshake.
enum PEMMaterial {
    enum Kind: String {
        case certificate = "a PEM certificate"
        case key = "a PEM key"
    }

    /// The file's contents. `owner` prefixes errors (`kubeconfig /x: cluster "c"`).
    static func file(_ path: String, field: String, kind: Kind, owner: String) throws(ConfigError) -> [UInt8] {
        let bytes = try FileReading.bytes(atPath: path) { reason in
            ConfigError("\(owner): \(field) \(path) cannot be read: \(reason)")
        }
        guard containsPEMBlock(bytes) else {
            throw ConfigError("\(owner): \(field) \(path) does not contain \(kind.rawValue)")
        }
        return bytes
    }

    /// A `*-data` field, already decoded from base64.
    static func data(_ bytes: [UInt8], field: String, kind: Kind, owner: String) throws(ConfigError) -> [UInt8] {
        guard containsPEMBlock(bytes) else {
            throw ConfigError("\(owner): \(field) does not contain \(kind.rawValue)")
        }
        return bytes
    }

    static func containsPEMBlock(_ bytes: [UInt8]) -> Bool {
        let marker = Array("-----BEGIN".utf8)
        guard bytes.count >= marker.count else { return false }
        for start in 0...(bytes.count - marker.count) where bytes[start] == marker[0] {
            if bytes[start..<(start + marker.count)].elementsEqual(marker) { return true }
        }
        return false
    }
}
