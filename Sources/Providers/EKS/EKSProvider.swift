#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KubeAPI

/// An EKS cluster found through the EKS API (`-eks-cluster-name`, `-eks-region`), authenticated with tokens
/// made from AWS credentials as aws-iam-authenticator makes them: no exec plugin, no AWS CLI.
public struct EKSProvider: RemoteClusterProvider {
    package static let providerName = "eks"

    public var name: String { Self.providerName }
    public let clusterName: String
    public let region: String
    /// Shared by every request to the cluster.
    public let tokenSource: EKSTokenSource
    let eksEndpoint: AWSEndpoint
    let sts: STSClient
    let credentials: AWSCredentialCache
    private let http: GoogleHTTP

    /// Not unique across accounts: the remote cluster's identity is its server URL.
    public var displayName: String { "eks_\(region)_\(clusterName)" }

    /// `tokenLifetime` is how long the cluster accepts a token (EKS: 15 minutes); tests shorten it.
    init(flags: ProviderFlags, environment: ProviderEnvironment, tokenLifetime: Duration) throws(ProviderError) {
        guard let clusterName = flags.eksClusterName.nonEmpty else {
            throw ProviderError("the eks provider needs -eks-cluster-name (the name of the remote EKS cluster)")
        }
        guard clusterName.utf8.count <= 100,
            clusterName.utf8.allSatisfy({ Self.isNameByte($0) || $0 == UInt8(ascii: "_") })
        else {
            throw ProviderError(
                "-eks-cluster-name \(ServiceAccountKey.oneLine(clusterName)): not an EKS cluster name "
                    + "(letters, digits, - and _, up to 100 characters)")
        }
        let regionSources = [
            ("-eks-region", flags.eksRegion.nonEmpty), ("AWS_REGION", environment.variable("AWS_REGION")),
            ("AWS_DEFAULT_REGION", environment.variable("AWS_DEFAULT_REGION")),
        ]
        guard let (regionOrigin, region) = regionSources.first(where: { $0.1 != nil }).map({ ($0.0, $0.1 ?? "") })
        else {
            throw ProviderError(
                "the eks provider needs -eks-region, or AWS_REGION or AWS_DEFAULT_REGION (the cluster's region, "
                    + "e.g. eu-west-1)")
        }
        guard region.utf8.allSatisfy(Self.isNameByte), region.contains("-") else {
            throw ProviderError("\(regionOrigin) \(ServiceAccountKey.oneLine(region)): not an AWS region (e.g. eu-west-1)")
        }
        self.clusterName = clusterName
        self.region = region
        eksEndpoint = try AWSEndpoint(
            flags.eksAPIEndpoint.nonEmpty ?? AWSEndpoint.regional(service: "eks", region: region),
            flag: "-eks-api-endpoint")
        let stsEndpoint = try AWSEndpoint(
            flags.stsEndpoint.nonEmpty ?? AWSEndpoint.regional(service: "sts", region: region), flag: "-sts-endpoint")
        http = GoogleHTTP(environment: environment)
        sts = STSClient(endpoint: stsEndpoint, region: region, http: http)

        var fetcher = try AWSCredentialChain.resolve(environment: environment, sts: sts)
        if let roleARN = flags.eksRoleARN.nonEmpty {
            guard roleARN.hasPrefix("arn:") else {
                throw ProviderError(
                    "-eks-role-arn \(ServiceAccountKey.oneLine(roleARN)): not a role ARN "
                        + "(expected arn:aws:iam::ACCOUNT:role/NAME)")
            }
            fetcher = AssumeRoleCredentials(
                roleARN: roleARN, sessionName: AssumeRoleCredentials.defaultSessionName(),
                base: AWSCredentialCache(fetcher), sts: sts)
        }
        credentials = AWSCredentialCache(fetcher)
        tokenSource = EKSTokenSource(
            clusterName: clusterName, region: region, sts: stsEndpoint, credentials: credentials,
            lifetime: tokenLifetime, logger: environment.logger)
    }

    public init(flags: ProviderFlags, environment: ProviderEnvironment) throws(ProviderError) {
        try self.init(flags: flags, environment: environment, tokenLifetime: EKSToken.lifetime)
    }

    public func resolve() async throws(ProviderError) -> ClusterConfig {
        let info = try await describeCluster()
        guard info.status == "ACTIVE" else {
            throw ProviderError(
                "EKS cluster \"\(clusterName)\" in \(region) is \(info.status.nonEmpty ?? "of unknown status"), "
                    + "not ACTIVE: wait until it is (aws eks wait cluster-active --name \(clusterName) --region \(region))")
        }
        guard let endpoint = info.endpoint.nonEmpty, endpoint.lowercased().hasPrefix("https://") else {
            throw ProviderError(
                "EKS cluster \"\(clusterName)\" in \(region): DescribeCluster gave no https endpoint "
                    + "(is -eks-api-endpoint right?)")
        }
        guard let caPEM = info.caPEM else {
            throw ProviderError(
                "EKS cluster \"\(clusterName)\" in \(region): certificateAuthority.data is missing or not a base64 "
                    + "PEM certificate (is -eks-api-endpoint right?)")
        }
        var server = endpoint
        while server.hasSuffix("/") { server.removeLast() }
        try await checkTokenIsAccepted(server: server, caPEM: caPEM)
        return ClusterConfig(
            server: server, tls: TLSSettings(caPEM: caPEM), credentials: tokenSource, displayName: displayName)
    }

    /// `GET /clusters/{name}`, signed for service `eks`; retried once with fresh credentials when AWS says
    /// they expired.
    private func describeCluster() async throws(ProviderError) -> EKSClusterInfo {
        let path = "/clusters/\(clusterName)"
        var retried = false
        while true {
            let caller = try await credentials.credentials()
            let request = eksEndpoint.request(method: "GET", path: path, headers: [("Accept", "application/json")])
            let signed = SigV4Signer(region: region, service: "eks").sign(request, credentials: caller, date: Date())
            let response: HTTPResponse
            do {
                response = try await http.send(
                    method: "GET", url: eksEndpoint.url(path: path), headers: request.headers + signed.headers)
            } catch {
                throw ProviderError(
                    "EKS API \(eksEndpoint.origin) unreachable: \(error) (check network access to it and "
                        + "-eks-api-endpoint)")
            }
            if response.status == 200 {
                do {
                    return try JSONDocument.decode(EKSClusterInfo.self, from: response.body)
                } catch {
                    throw ProviderError(
                        "EKS API answered DescribeCluster for \"\(clusterName)\" with an unreadable cluster: "
                            + "\(error.description) (is -eks-api-endpoint right?)")
                }
            }
            let error = AWSJSONError.summary(response)
            let detail = error.text.map { " (\($0))" } ?? " (HTTP \(response.status))"
            switch (response.status, error.type) {
            case (_, "ExpiredTokenException") where !retried:
                retried = true
                await credentials.invalidate()
            case (404, _), (_, "ResourceNotFoundException"):
                throw ProviderError(
                    "EKS cluster \"\(clusterName)\" not found in region \(region)\(detail): check -eks-cluster-name "
                        + "and -eks-region (aws eks list-clusters --region \(region))")
            case (_, "AccessDeniedException"):
                let who = await callerARN() ?? "the caller (credentials from \(credentials.source))"
                throw ProviderError(
                    "EKS DescribeCluster of \"\(clusterName)\" in \(region) denied for \(who)\(detail): grant it "
                        + "eks:DescribeCluster on arn:aws:eks:\(region):ACCOUNT:cluster/\(clusterName)")
            case (401, _), (403, _):
                throw ProviderError(
                    "EKS API rejected the credentials from \(credentials.source)\(detail): check the access key "
                        + "and that temporary credentials have not expired")
            default:
                throw ProviderError(
                    "EKS API answered HTTP \(response.status) for DescribeCluster of \"\(clusterName)\"\(detail); "
                        + "retry later")
            }
        }
    }

    /// One authenticated request (`GET /api`), so an unmapped IAM principal is one clear error at startup
    /// rather than endless 401s. Other failures are left to the controllers' retries.
    private func checkTokenIsAccepted(server: String, caPEM: [UInt8]) async throws(ProviderError) {
        for attempt in 0..<2 {
            let token = try await tokenSource.current().token
            let response = try? await http.transport.send(
                HTTPRequest(
                    method: "GET", url: server + "/api",
                    headers: [("Authorization", "Bearer \(token)"), ("Accept", "application/json")],
                    timeout: .seconds(30), tls: TLSSettings(caPEM: caPEM)))
            guard response?.status == 401 else { return }
            if attempt == 0 { await tokenSource.invalidate() }
        }
        let caller = await callerARN()
        let principal = caller.map(Self.principalARN) ?? "the IAM role or user of \(credentials.source)"
        throw ProviderError(
            "EKS cluster \"\(clusterName)\" (\(server)) refused the token of \(caller ?? principal) with 401: the IAM "
                + "principal is not mapped to a Kubernetes user; map \(principal) in the aws-auth ConfigMap "
                + "(kube-system) or create an EKS access entry (aws eks create-access-entry --cluster-name "
                + "\(clusterName) --principal-arn \(principal)), with read access to nodes, services and endpointslices")
    }

    /// Who signs the tokens, from STS `GetCallerIdentity` (the token's own URL); nil when STS does not say.
    private func callerARN() async -> String? {
        guard let presigned = try? await tokenSource.current() else { return nil }
        return await sts.callerARN(presignedURL: presigned.url, clusterName: clusterName)
    }

    /// The ARN to map: a session of an assumed role (`arn:aws:sts::A:assumed-role/R/S`) maps as its role
    /// (`arn:aws:iam::A:role/R`); users and roles as they are.
    static func principalARN(_ callerARN: String) -> String {
        let parts = callerARN.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[2] == "sts", parts[5].hasPrefix("assumed-role/") else { return callerARN }
        let role = parts[5].dropFirst("assumed-role/".count).split(separator: "/").first ?? ""
        return "arn:\(parts[1]):iam::\(parts[4]):role/\(role)"
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
    }
}
