/// What `GET /version` answers (apimachinery's `version.Info`), the fields barrelman shows.
public struct ServerVersion: Sendable, Hashable, JSONDecodable {
    public var major: String
    public var minor: String
    /// `v1.31.0`, `v1.30.4-gke.1348000`, `v1.29.8-eks-a737599`.
    public var gitVersion: String
    public var platform: String

    public init(major: String = "", minor: String = "", gitVersion: String = "", platform: String = "") {
        self.major = major
        self.minor = minor
        self.gitVersion = gitVersion
        self.platform = platform
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        major = try json.decode("major") ?? ""
        minor = try json.decode("minor") ?? ""
        gitVersion = try json.decode("gitVersion") ?? ""
        platform = try json.decode("platform") ?? ""
    }
}
