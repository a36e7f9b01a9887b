/// Picks where AWS credentials come from, in the SDKs' order: environment variables, web identity (IRSA),
/// the shared credentials and config files, EKS Pod Identity. The first configured source wins; none is an
/// error listing all of them.
enum AWSCredentialChain {
    static func resolve(environment: ProviderEnvironment, sts: STSClient) throws(ProviderError) -> any AWSCredentialFetcher {
        if let fromEnvironment = try EnvironmentCredentials.load(environment) {
            return fromEnvironment
        }
        if let webIdentity = try WebIdentityCredentials(environment: environment, sts: sts) {
            return webIdentity
        }
        let files = try SharedConfigFiles(environment: environment)
        if let fromFiles = try SharedProfileCredentials.fetcher(files: files, sts: sts) {
            return fromFiles
        }
        if let podIdentity = try PodIdentityCredentials(environment: environment) {
            return podIdentity
        }
        let tried = [
            EnvironmentCredentials.sourceName, WebIdentityCredentials.sourceName, files.sourceName,
            PodIdentityCredentials.sourceName,
        ]
        throw ProviderError(
            "no AWS credentials found (tried \(tried.joined(separator: "; "))): set one of them, e.g. IRSA or an "
                + "EKS Pod Identity association for barrelman's service account")
    }
}
