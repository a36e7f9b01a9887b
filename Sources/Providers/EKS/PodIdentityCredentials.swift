#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KubeAPI

/// EKS Pod Identity (and any container credentials endpoint): `AWS_CONTAINER_CREDENTIALS_FULL_URI`, asked with
/// the token in `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (re-read per request, the kubelet rotates it) or
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
struct PodIdentityCredentials: AWSCredentialFetcher {
    static let sourceName = "EKS Pod Identity (AWS_CONTAINER_CREDENTIALS_FULL_URI)"
    /// The agent's link-local addresses and the ECS one: plain HTTP that never leaves the node.
    static let agentHosts: Set<String> = ["169.254.170.23", "[fd00:ec2::23]", "169.254.170.2"]
    let url: String
    let tokenFile: String?
    let token: String?
    let http: GoogleHTTP

    /// nil when `AWS_CONTAINER_CREDENTIALS_FULL_URI` is unset.
    init?(environment: ProviderEnvironment) throws(ProviderError) {
        guard let url = environment.variable("AWS_CONTAINER_CREDENTIALS_FULL_URI") else { return nil }
        let lowered = url.lowercased()
        if lowered.hasPrefix("http://"), let host = GoogleEndpoint.host(of: url), Self.agentHosts.contains(host.lowercased()) {
            self.url = url
        } else {
            // https anywhere, plain http only on loopback.
            self.url = try GoogleEndpoint.validated(url, origin: "AWS_CONTAINER_CREDENTIALS_FULL_URI")
        }
        tokenFile = environment.variable("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
        token = environment.variable("AWS_CONTAINER_AUTHORIZATION_TOKEN")
        http = GoogleHTTP(environment: environment)
    }

    var source: String { "EKS Pod Identity agent \(url)" }

    func fetch() async throws(ProviderError) -> AWSCredentials {
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if let authorization = try authorization() { headers.append(("Authorization", authorization)) }
        let response: HTTPResponse
        do {
            response = try await http.send(method: "GET", url: url, headers: headers)
        } catch {
            throw ProviderError(
                "\(source) unreachable: \(error) (is the eks-pod-identity-agent add-on running on this node?)")
        }
        guard response.status == 200 else {
            let message = (try? JSONDocument.decode(PodIdentityError.self, from: response.body))?.summary
            throw ProviderError(
                "\(source) answered HTTP \(response.status)\(message.map { ": \($0)" } ?? "") (check the pod "
                    + "identity association of barrelman's service account)")
        }
        do {
            let body = try JSONDocument.decode(PodIdentityResponse.self, from: response.body)
            guard let expiration = AWSTimestamp.parseISO8601(body.expiration) else {
                throw JSONDecodingError("Expiration is not an RFC 3339 time")
            }
            return AWSCredentials(
                accessKeyID: body.accessKeyID, secretAccessKey: body.secretAccessKey, sessionToken: body.token,
                expiration: expiration)
        } catch {
            throw ProviderError(
                "\(source) answered 200 without AccessKeyId, SecretAccessKey, Token and Expiration "
                    + "(is AWS_CONTAINER_CREDENTIALS_FULL_URI right?)")
        }
    }

    private func authorization() throws(ProviderError) -> String? {
        guard let tokenFile else { return token }
        guard let data = FileManager.default.contents(atPath: tokenFile) else {
            throw ProviderError(
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(tokenFile): cannot be read (is the pod identity token "
                    + "volume mounted?)")
        }
        return String(decoding: data, as: UTF8.self).trimmingWhitespace()
    }
}

/// The agent's success body.
private struct PodIdentityResponse: JSONDecodable {
    var accessKeyID: String
    var secretAccessKey: String
    var token: String?
    var expiration: String

    init(json: JSONNode) throws(JSONDecodingError) {
        accessKeyID = try json.require("AccessKeyId")
        secretAccessKey = try json.require("SecretAccessKey")
        token = try json.decode("Token")
        expiration = try json.require("Expiration")
    }
}

/// The agent's error body: `{"code": ..., "message": ...}`.
private struct PodIdentityError: JSONDecodable {
    var summary: String?

    init(json: JSONNode) throws(JSONDecodingError) {
        let parts = [try json.decode("code", as: String.self), try json.decode("message", as: String.self)]
            .compactMap { $0.nonEmpty }
        summary = parts.isEmpty ? nil : ServiceAccountKey.oneLine(parts.joined(separator: ": "), limit: 300)
    }
}
