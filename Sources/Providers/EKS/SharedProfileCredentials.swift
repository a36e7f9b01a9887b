/// Credentials from a profile of the shared files: its own keys, or `role_arn` assumed with the credentials
/// of `source_profile` (which may itself assume a role).
enum SharedProfileCredentials {
    /// nil when the profile does not exist (unless `AWS_PROFILE` named it) or holds no credentials.
    static func fetcher(files: SharedConfigFiles, sts: STSClient) throws(ProviderError) -> (any AWSCredentialFetcher)? {
        guard files.settings(of: files.profile) != nil else {
            guard !files.profileChosen else {
                throw ProviderError(
                    "AWS_PROFILE \(files.profile): no [\(files.profile)] in \(files.credentialsPath) and no "
                        + "[profile \(files.profile)] in \(files.configPath) (fix AWS_PROFILE or add the profile)")
            }
            return nil
        }
        return try fetcher(profile: files.profile, files: files, sts: sts, visited: [])
    }

    private static func fetcher(
        profile: String, files: SharedConfigFiles, sts: STSClient, visited: [String]
    ) throws(ProviderError) -> (any AWSCredentialFetcher)? {
        let origin = "AWS profile \"\(profile)\" (\(files.credentialsPath), \(files.configPath))"
        guard let settings = files.settings(of: profile) else {
            throw ProviderError(
                "\(origin) does not exist, but profile \"\(visited.last ?? profile)\" names it as source_profile")
        }
        if let roleARN = settings["role_arn"].nonEmpty {
            guard let sourceProfile = settings["source_profile"].nonEmpty else {
                throw ProviderError(
                    "\(origin): role_arn needs source_profile (credential_source and web_identity_token_file "
                        + "in profiles are not supported; use AWS_WEB_IDENTITY_TOKEN_FILE for web identity)")
            }
            let base: (any AWSCredentialFetcher)?
            if sourceProfile == profile {
                base = try keys(in: settings, origin: origin)  // a profile may assume its role with its own keys
            } else {
                guard !visited.contains(sourceProfile) else {
                    throw ProviderError("\(origin): source_profile \"\(sourceProfile)\" leads back to itself")
                }
                base = try fetcher(profile: sourceProfile, files: files, sts: sts, visited: visited + [profile])
            }
            guard let base else {
                throw ProviderError(
                    "\(origin): source_profile \"\(sourceProfile)\" has no aws_access_key_id/aws_secret_access_key")
            }
            return AssumeRoleCredentials(
                roleARN: roleARN,
                sessionName: settings["role_session_name"].nonEmpty ?? AssumeRoleCredentials.defaultSessionName(),
                base: AWSCredentialCache(base), sts: sts)
        }
        return try keys(in: settings, origin: origin)
    }

    private static func keys(in settings: [String: String], origin: String) throws(ProviderError) -> StaticAWSCredentials? {
        switch (settings["aws_access_key_id"].nonEmpty, settings["aws_secret_access_key"].nonEmpty) {
        case (nil, nil):
            return nil
        case (let keyID?, let secret?):
            return StaticAWSCredentials(
                source: origin,
                credentials: AWSCredentials(
                    accessKeyID: keyID, secretAccessKey: secret, sessionToken: settings["aws_session_token"].nonEmpty))
        default:
            throw ProviderError("\(origin): has only one of aws_access_key_id and aws_secret_access_key (set both)")
        }
    }
}
