#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small POSIX file helpers whose failures carry the system's reason ("No such file or directory"), which
/// Foundation's file APIs bury in nested errors.
package enum FileReading {
    /// The whole file. `makeError` turns the system's reason into the caller's error.
    package static func bytes<Failure: Error>(
        atPath path: String, _ makeError: (String) -> Failure
    ) throws(Failure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw makeError(lastReason()) }
        defer { close(descriptor) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw makeError(lastReason())
            }
            result.append(contentsOf: chunk[0..<count])
        }
        return result
    }

    /// Modification time (nanoseconds since the epoch) and size, to notice a rewritten file cheaply.
    static func stamp(atPath path: String, _ makeError: (String) -> ConfigError) throws(ConfigError) -> FileStamp {
        var info = stat()
        guard stat(path, &info) == 0 else { throw makeError(lastReason()) }
        #if canImport(Darwin)
        let modified = Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
        #else
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        #endif
        return FileStamp(modifiedNanoseconds: modified, size: Int64(info.st_size))
    }

    /// True when `path` names an executable regular file.
    static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
        return access(path, X_OK) == 0
    }

    static func lastReason() -> String {
        String(cString: strerror(errno))
    }
}

/// What identifies one version of a file for change detection.
struct FileStamp: Equatable, Sendable {
    var modifiedNanoseconds: Int64
    var size: Int64
}
