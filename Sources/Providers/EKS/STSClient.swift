#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KubeAPI

/// The three STS actions barrelman uses, on the regional endpoint (or `-sts-endpoint`).
struct STSClient: Sendable {
    static let version = "2011-06-15"
    let endpoint: AWSEndpoint
    let region: String
    let http: GoogleHTTP

    /// IRSA: exchanges a web identity token (unsigned request) for the role's temporary credentials.
    func assumeRoleWithWebIdentity(
        roleARN: String, sessionName: String, webIdentityToken: String, tokenFile: String
    ) async throws(ProviderError) -> AWSCredentials {
        try await credentials(
            from: "AssumeRoleWithWebIdentity",
            [("RoleArn", roleARN), ("RoleSessionName", sessionName), ("WebIdentityToken", webIdentityToken)],
            signedWith: nil
        ) { refusal in
            "STS AssumeRoleWithWebIdentity of \(roleARN) with the token in \(tokenFile) was refused (\(refusal)); "
                + "check the role's trust policy allows this cluster's OIDC provider and service account "
                + "(AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE)"
        }
    }

    /// `sts:AssumeRole`, signed with `caller`'s credentials.
    func assumeRole(
        roleARN: String, sessionName: String, caller: AWSCredentials, callerSource: String
    ) async throws(ProviderError) -> AWSCredentials {
        try await credentials(
            from: "AssumeRole", [("RoleArn", roleARN), ("RoleSessionName", sessionName)], signedWith: caller
        ) { refusal in
            "STS AssumeRole of \(roleARN) with the credentials from \(callerSource) was refused (\(refusal)); the "
                + "caller needs sts:AssumeRole on the role and the role's trust policy must allow the caller"
        }
    }

    /// POSTs `action` with `parameters` (signed when `caller` is given) and reads the credentials it answers
    /// with; a refusal becomes the message `refused` makes of its status, code and message.
    private func credentials(
        from action: String, _ parameters: [(name: String, value: String)], signedWith caller: AWSCredentials?,
        refused: (String) -> String
    ) async throws(ProviderError) -> AWSCredentials {
        let contentType = ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        let body = Array(SigV4Request.queryString([("Action", action), ("Version", Self.version)] + parameters).utf8)
        var headers: [(name: String, value: String)] = [contentType]
        if let caller {
            let request = endpoint.request(method: "POST", path: "/", headers: [contentType], payload: body)
            headers += SigV4Signer(region: region, service: "sts").sign(request, credentials: caller, date: Date()).headers
        }
        let response = try await send(action, method: "POST", url: endpoint.url(path: "/"), headers: headers, body: body)
        guard response.status == 200 else {
            let summary = STSResponseXML.errorSummary(response.body).map { ": \($0)" } ?? ""
            throw ProviderError(refused("HTTP \(response.status)\(summary)"))
        }
        return try parsedCredentials(response.body, action: action)
    }

    /// The ARN STS reports for the signer of `presignedURL` (the token's URL): who the cluster sees.
    func callerARN(presignedURL: String, clusterName: String) async -> String? {
        let response = try? await send(
            "GetCallerIdentity", method: "GET", url: presignedURL, headers: [(EKSToken.clusterHeader, clusterName)],
            body: nil)
        guard let response, response.status == 200 else { return nil }
        return STSResponseXML.element("Arn", in: response.body)
    }

    private func send(
        _ action: String, method: String, url: String, headers: [(name: String, value: String)], body: [UInt8]?
    ) async throws(ProviderError) -> HTTPResponse {
        do {
            return try await http.send(method: method, url: url, headers: headers, body: body)
        } catch {
            throw ProviderError(
                "STS \(endpoint.origin) unreachable for \(action): \(error) (check network access to it and "
                    + "-sts-endpoint)")
        }
    }

    private func parsedCredentials(_ body: [UInt8], action: String) throws(ProviderError) -> AWSCredentials {
        guard let keyID = STSResponseXML.element("AccessKeyId", in: body).nonEmpty,
            let secret = STSResponseXML.element("SecretAccessKey", in: body).nonEmpty,
            let token = STSResponseXML.element("SessionToken", in: body).nonEmpty,
            let expiration = STSResponseXML.element("Expiration", in: body).flatMap(AWSTimestamp.parseISO8601)
        else {
            throw ProviderError(
                "STS \(endpoint.origin) answered \(action) with 200 but without AccessKeyId, SecretAccessKey, "
                    + "SessionToken and Expiration (is -sts-endpoint right?)")
        }
        return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token, expiration: expiration)
    }
}
