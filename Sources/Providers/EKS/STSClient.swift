import Foundation
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
        let form = formBody([
            ("Action", "AssumeRoleWithWebIdentity"), ("Version", Self.version), ("RoleArn", roleARN),
            ("RoleSessionName", sessionName), ("WebIdentityToken", webIdentityToken),
        ])
        let response = try await send(
            "AssumeRoleWithWebIdentity", method: "POST", url: endpoint.url(path: "/"), headers: [formContentType],
            body: form)
        guard response.status == 200 else {
            throw ProviderError(
                "STS AssumeRoleWithWebIdentity of \(roleARN) with the token in \(tokenFile) was refused "
                    + "(\(refusal(response))); check the role's trust policy allows this cluster's OIDC provider "
                    + "and service account (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE)")
        }
        return try credentials(in: response.body, action: "AssumeRoleWithWebIdentity")
    }

    /// `sts:AssumeRole`, signed with `caller`'s credentials.
    func assumeRole(
        roleARN: String, sessionName: String, caller: AWSCredentials, callerSource: String
    ) async throws(ProviderError) -> AWSCredentials {
        let body = formBody([
            ("Action", "AssumeRole"), ("Version", Self.version), ("RoleArn", roleARN), ("RoleSessionName", sessionName),
        ])
        let request = endpoint.request(method: "POST", path: "/", headers: [formContentType], payload: body)
        let signed = SigV4Signer(region: region, service: "sts").sign(request, credentials: caller, date: Date())
        let response = try await send(
            "AssumeRole", method: "POST", url: endpoint.url(path: "/"), headers: [formContentType] + signed.headers,
            body: body)
        guard response.status == 200 else {
            throw ProviderError(
                "STS AssumeRole of \(roleARN) with the credentials from \(callerSource) was refused "
                    + "(\(refusal(response))); the caller needs sts:AssumeRole on the role and the role's trust "
                    + "policy must allow the caller")
        }
        return try credentials(in: response.body, action: "AssumeRole")
    }

    /// The ARN STS reports for the signer of `presignedURL` (the token's URL): who the cluster sees.
    func callerARN(presignedURL: String, clusterName: String) async -> String? {
        let response = try? await send(
            "GetCallerIdentity", method: "GET", url: presignedURL, headers: [(EKSToken.clusterHeader, clusterName)],
            body: nil)
        guard let response, response.status == 200 else { return nil }
        return STSResponseXML.element("Arn", in: response.body)
    }

    private var formContentType: (name: String, value: String) {
        ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
    }

    private func formBody(_ pairs: [(name: String, value: String)]) -> [UInt8] {
        Array(SigV4Request.queryString(pairs).utf8)
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

    private func refusal(_ response: HTTPResponse) -> String {
        "HTTP \(response.status)" + (STSResponseXML.errorSummary(response.body).map { ": \($0)" } ?? "")
    }

    private func credentials(in body: [UInt8], action: String) throws(ProviderError) -> AWSCredentials {
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
