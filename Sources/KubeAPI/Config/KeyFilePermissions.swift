#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Private keys should be readable by their owner only. A key others can read still works, so it is a warning,
/// not an error: one line naming the file and the fix.
public enum KeyFilePermissions {
    /// The warning for `path` when group or others may read it; nil when only the owner can, or when it cannot be
    /// examined (reading it then fails with the reason). `what` names the file's role ("client-key", ...).
    public static func warning(forKeyFile path: String, what: String) -> String? {
        var info = stat()
        // stat, not lstat: Secret volumes mount keys as symlinks, and the file they point at is what others read.
        guard stat(path, &info) == 0 else { return nil }
        let mode = UInt32(info.st_mode) & 0o777
        // A Secret volume mounted with fsGroup: root owns the file, its group is ours, and group-read is how a
        // non-root barrelman reads it. Nobody else is in that group, so it is not a leak.
        let groupIsOnlyUs = info.st_uid != geteuid() && info.st_gid == getegid()
        var readers: [String] = []
        if mode & 0o040 != 0 && !groupIsOnlyUs { readers.append("its group") }
        if mode & 0o004 != 0 { readers.append("others") }
        guard !readers.isEmpty else { return nil }
        let octal = String(mode, radix: 8)
        return "\(what) \(path) is readable by \(readers.joined(separator: " and ")) (mode 0\(octal)): "
            + "run chmod 600 \(path)"
    }
}
