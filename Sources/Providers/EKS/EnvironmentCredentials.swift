/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optionally `AWS_SESSION_TOKEN`.
enum EnvironmentCredentials {
    static let sourceName = "environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"

    /// nil when neither key variable is set; an error when only one is.
    static func load(_ environment: ProviderEnvironment) throws(ProviderError) -> StaticAWSCredentials? {
        switch (environment.variable("AWS_ACCESS_KEY_ID"), environment.variable("AWS_SECRET_ACCESS_KEY")) {
        case (nil, nil):
            return nil
        case (let keyID?, let secret?):
            return StaticAWSCredentials(
                source: sourceName,
                credentials: AWSCredentials(
                    accessKeyID: keyID, secretAccessKey: secret, sessionToken: environment.variable("AWS_SESSION_TOKEN")))
        case (nil, _):
            throw ProviderError("AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not: set both, or neither")
        case (_, nil):
            throw ProviderError("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: set both, or neither")
        }
    }
}

/// Credentials known up front (environment variables, keys in a shared file).
struct StaticAWSCredentials: AWSCredentialFetcher {
    let source: String
    let credentials: AWSCredentials

    func fetch() async throws(ProviderError) -> AWSCredentials { credentials }
}
