#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where relative paths in kubeconfigs point: the folder of the file that mentions them, as kubectl does.
package enum PathResolution {
    /// `path` made absolute against `folder`, with `~/` expanded against `home`.
    package static func resolve(_ path: String, against folder: String, home: String? = nil) -> String {
        if path.hasPrefix("/") { return path }
        if path == "~" || path.hasPrefix("~/"), let home = home ?? homeDirectory() {
            return home + path.dropFirst()
        }
        var relative = Substring(path)
        while relative.hasPrefix("./") { relative = relative.dropFirst(2) }
        return folder.hasSuffix("/") ? folder + relative : folder + "/" + relative
    }

    /// A path given on the command line or in KUBECONFIG: relative to the working directory.
    package static func absolute(_ path: String, home: String?) -> String {
        resolve(path, against: FileManager.default.currentDirectoryPath, home: home)
    }

    package static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return FileManager.default.currentDirectoryPath }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    package static func homeDirectory() -> String? {
        // $HOME first, then the passwd entry, as Go's os.UserHomeDir and client-go's homedir do.
        if let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty { return home }
        guard let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir else { return nil }
        let home = String(cString: directory)
        return home.isEmpty ? nil : home
    }
}
