import COpenSSL

/// OpenSSL's per-thread error queue, read as text for error messages and logs.
enum OpenSSLErrorQueue {
    /// Every queued error, oldest first, joined by "; "; nil when the queue is empty. Leaves the queue empty.
    static func drain() -> String? {
        var reasons: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            reasons.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }
}

/// Why the server's TLS could not be set up.
public struct ServerTLSError: Error, CustomStringConvertible {
    public let description: String

    /// By default OpenSSL's queued errors are the reason.
    init(_ step: String, reason: String? = OpenSSLErrorQueue.drain()) {
        if let reason {
            description = "test API server TLS: \(step) failed: \(reason)"
        } else {
            description = "test API server TLS: \(step) failed"
        }
    }
}
