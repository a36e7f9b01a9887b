#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif

/// Whole lines to the process's stdout and stderr, unbuffered: Foundation's FileHandle without Foundation.
public enum StandardStreams {
    public static func output(_ bytes: some Collection<UInt8>) { write(bytes, to: STDOUT_FILENO) }
    public static func error(_ bytes: some Collection<UInt8>) { write(bytes, to: STDERR_FILENO) }
    public static func output(line: String) { output(Array((line + "\n").utf8)) }
    public static func error(line: String) { error(Array((line + "\n").utf8)) }

    private static func write(_ bytes: some Collection<UInt8>, to descriptor: Int32) {
        let all = Array(bytes)
        all.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                let written = systemWrite(descriptor, base + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return  // a closed pipe: nothing more can be said
                }
            }
        }
    }
}
