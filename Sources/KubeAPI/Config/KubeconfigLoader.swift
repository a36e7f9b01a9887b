#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Builds a `ClusterConfig` from kubeconfig files or from the pod environment, the way kubectl would.
public enum KubeconfigLoader {
    /// Explicit path, else $KUBECONFIG (colon-separated list, merged: first file to set a value wins, as kubectl does), else ~/.kube/config.
    public static func load(
        path: String?, context: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> ClusterConfig {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? PathResolution.homeDirectory()
        let files: [KubeconfigFile]
        if let path, !path.isEmpty {
            files = [try readFile(PathResolution.absolute(path, home: home))]
        } else if let list = environment["KUBECONFIG"], !list.isEmpty {
            files = try readList(list, home: home)
        } else {
            files = [try readFile(PathResolution.resolve("~/.kube/config", against: "/", home: home))]
        }
        let resolver = KubeconfigResolver(config: MergedKubeconfig(files), environment: environment)
        return try resolver.clusterConfig(context: context)
    }

    /// One kubeconfig's contents, as if read from `path` (which names it in errors and anchors its relative
    /// paths). Files the kubeconfig names are read; an exec plugin is configured, not run.
    public static func load(
        contents: [UInt8], path: String, context: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> ClusterConfig {
        let resolver = KubeconfigResolver(
            config: MergedKubeconfig([try parse(contents, path: path)]), environment: environment)
        return try resolver.clusterConfig(context: context)
    }

    /// Parses one kubeconfig's text; `path` names it in errors and anchors its relative paths.
    static func parse(_ text: String, path: String) throws(ConfigError) -> KubeconfigFile {
        try KubeconfigParser(path: path).parse(text)
    }

    // MARK: private

    private static let notFoundAdvice = "set -local-kubeconfig or KUBECONFIG to an existing file"

    /// KUBECONFIG entries that do not exist are skipped, as kubectl does, as long as one exists.
    private static func readList(_ list: String, home: String?) throws(ConfigError) -> [KubeconfigFile] {
        var seen = Set<String>()
        var paths: [String] = []
        for entry in list.split(separator: ":", omittingEmptySubsequences: true) {
            let path = PathResolution.absolute(String(entry), home: home)
            if seen.insert(path).inserted { paths.append(path) }
        }
        let existing = paths.filter { FileManager.default.fileExists(atPath: $0) }
        guard !existing.isEmpty else {
            throw ConfigError.kubeconfig(
                paths.joined(separator: ":"), "file not found (\(notFoundAdvice))")
        }
        var files: [KubeconfigFile] = []
        for path in existing { files.append(try readFile(path)) }
        return files
    }

    private static func readFile(_ path: String) throws(ConfigError) -> KubeconfigFile {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ConfigError.kubeconfig(path, "file not found (\(notFoundAdvice))")
        }
        let bytes = try FileReading.bytes(atPath: path) { reason in
            ConfigError.kubeconfig(path, "cannot be read: \(reason)")
        }
        return try parse(bytes, path: path)
    }

    private static func parse(_ bytes: [UInt8], path: String) throws(ConfigError) -> KubeconfigFile {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigError.kubeconfig(path, "is not UTF-8 text")
        }
        return try parse(text, path: path)
    }
}
