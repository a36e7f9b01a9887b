#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KubeAPI

/// `~/.aws/credentials` (`AWS_SHARED_CREDENTIALS_FILE`) and `~/.aws/config` (`AWS_CONFIG_FILE`), and the
/// profile to read from them (`AWS_PROFILE`, else `default`). A missing file is normal; an unreadable or
/// malformed one is an error naming it.
struct SharedConfigFiles: Sendable {
    let credentialsPath: String
    let configPath: String
    let profile: String
    /// Whether `AWS_PROFILE` named the profile (then it must exist).
    let profileChosen: Bool
    private let credentials: INIFile?
    private let config: INIFile?

    init(environment: ProviderEnvironment) throws(ProviderError) {
        let home = environment.variable("HOME") ?? PathResolution.homeDirectory() ?? "/"
        credentialsPath = environment.variable("AWS_SHARED_CREDENTIALS_FILE") ?? "\(home)/.aws/credentials"
        configPath = environment.variable("AWS_CONFIG_FILE") ?? "\(home)/.aws/config"
        profileChosen = environment.variable("AWS_PROFILE") != nil
        profile = environment.variable("AWS_PROFILE") ?? "default"
        credentials = try Self.load(credentialsPath)
        config = try Self.load(configPath)
    }

    /// For the list of sources tried.
    var sourceName: String { "profile \"\(profile)\" in \(credentialsPath) and \(configPath)" }

    /// The profile's settings, the credentials file's winning over the config file's; nil when in neither.
    /// The config file names non-default profiles `[profile NAME]`.
    func settings(of name: String) -> [String: String]? {
        let fromConfig = config?.section("profile \(name)") ?? (name == "default" ? config?.section("default") : nil)
        let fromCredentials = credentials?.section(name)
        guard fromConfig != nil || fromCredentials != nil else { return nil }
        return (fromConfig ?? [:]).merging(fromCredentials ?? [:]) { _, credentialsValue in credentialsValue }
    }

    private static func load(_ path: String) throws(ProviderError) -> INIFile? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ProviderError("AWS shared file \(path): cannot be read (check its permissions for barrelman's user)")
        }
        do {
            return try INIFile(parsing: String(decoding: data, as: UTF8.self))
        } catch {
            throw ProviderError("AWS shared file \(path): \(error) (fix the file, or point AWS_CONFIG_FILE or "
                + "AWS_SHARED_CREDENTIALS_FILE elsewhere)")
        }
    }
}
