import Foundation
import KubeAPI
import Logging
import TestAPIServer
import TestSupport
@testable import Providers

/// The AWS fakes plus a TestAPIServer playing EKS cluster `remote` in eu-west-1, which accepts exactly the
/// tokens the fake STS verifies, until they are `tokenLifetime` old, from mapped principals. IAM user
/// `barrelman` has static keys and is mapped.
struct EKSHarness {
    static let clusterName = "remote"
    static let accessKeyID = "AKIAEXAMPLEBARRELMAN"
    static let secretAccessKey = "barrelman/secret+key/EXAMPLEKEY0123456789"
    let aws: AWSCloudFake
    let server: TestAPIServer
    let transport: HTTPTransport
    let userARN: String
    let tokenLifetime: Duration

    static func with(tokenLifetime: Duration = .seconds(900), _ body: (EKSHarness) async throws -> Void) async throws {
        try await AWSCloudFake.with { aws in
            try await withRemoteTestCluster { server, transport in
                aws.addCluster(name: clusterName, server: server)
                aws.trustEKSTokens(on: server, clusterName: clusterName, lifetime: tokenLifetime)
                let userARN = aws.ledger.addUser(name: "barrelman", accessKeyID: accessKeyID, secret: secretAccessKey)
                aws.mapPrincipal(userARN)
                try await body(
                    EKSHarness(aws: aws, server: server, transport: transport, userARN: userARN, tokenLifetime: tokenLifetime))
            }
        }
    }

    /// The user's static keys as environment variables.
    static let staticKeys = ["AWS_ACCESS_KEY_ID": accessKeyID, "AWS_SECRET_ACCESS_KEY": secretAccessKey]

    /// `-remote-provider eks` flags for the harness' cluster and fakes; tweak as needed.
    func flags(clusterName: String = EKSHarness.clusterName, roleARN: String? = nil) -> ProviderFlags {
        ProviderFlags(
            remoteProvider: "eks", eksClusterName: clusterName, eksRegion: AWSCloudFake.region, eksRoleARN: roleARN,
            eksAPIEndpoint: aws.eksAPIURL, stsEndpoint: aws.stsURL)
    }

    func environment(_ variables: [String: String], logger: Logger? = nil) -> ProviderEnvironment {
        var environment = ProviderEnvironment(variables: aws.environmentVariables(variables), transport: transport)
        if let logger { environment.logger = logger }
        return environment
    }

    /// Through the registry, with the harness' token lifetime (EKS's 15 minutes unless the test shortened it).
    func provider(
        _ flags: ProviderFlags? = nil, variables: [String: String] = EKSHarness.staticKeys, logger: Logger? = nil
    ) throws(ProviderError) -> EKSProvider {
        var registry = ProviderRegistry.standard
        let lifetime = tokenLifetime
        registry.register(name: "eks") { (flags, environment) throws(ProviderError) in
            try EKSProvider(flags: flags, environment: environment, tokenLifetime: lifetime)
        }
        let provider = try registry.makeProvider(flags: flags ?? self.flags(), environment: environment(variables, logger: logger))
        guard let eks = provider as? EKSProvider else { throw ProviderError("not the eks provider: \(provider.name)") }
        return eks
    }

    func client(_ config: ClusterConfig) -> KubeClient {
        KubeClient(config: config, transport: transport)
    }

    /// The ARN STS gives sessions of `roleARN`.
    static func roleARN(_ name: String) -> String {
        "arn:aws:iam::\(AWSIdentityLedger.account):role/\(name)"
    }
}
