import Foundation
import KubeAPI
import Providers
import TestAPIServer
import TestSupport

/// The fake Google services plus a TestAPIServer playing the GKE cluster, which accepts exactly the tokens
/// the fakes issued, until they expire.
struct GKEHarness {
    let google: GoogleCloudFake
    let server: TestAPIServer
    let key: ServiceAccountKeyFixture
    let keyPath: String
    let transport: HTTPTransport

    static func with(_ body: (GKEHarness) async throws -> Void) async throws {
        try await GoogleCloudFake.with { google in
            try await withRemoteTestCluster { server, transport in
                google.trustIssuedTokens(on: server)
                google.addCluster(server: server)
                let key = try google.makeServiceAccountKey()
                let keyPath = try key.write(to: google.temporaryDirectory)
                try await body(
                    GKEHarness(google: google, server: server, key: key, keyPath: keyPath, transport: transport))
            }
        }
    }

    /// Flags for the harness' cluster with the harness' key file; tweak as needed.
    func flags(
        credentials: String? = nil, useKey: Bool = true, clusterName: String = "remote", privateEndpoint: Bool = false
    ) -> ProviderFlags {
        ProviderFlags(
            remoteProject: "test-project", remoteClusterName: clusterName,
            remoteCredentials: credentials ?? (useKey ? keyPath : nil), gkeAPIEndpoint: google.containerAPIURL,
            gkeUsePrivateEndpoint: privateEndpoint)
    }

    func environment(_ extra: [String: String] = [:]) -> ProviderEnvironment {
        ProviderEnvironment(variables: google.environmentVariables(extra), transport: transport)
    }

    func provider(_ flags: ProviderFlags? = nil, variables: [String: String] = [:]) throws(ProviderError)
        -> any RemoteClusterProvider
    {
        try ProviderRegistry.standard.makeProvider(flags: flags ?? self.flags(), environment: environment(variables))
    }

    /// A client for the resolved cluster.
    func client(_ config: ClusterConfig) -> KubeClient {
        KubeClient(config: config, transport: transport)
    }
}

extension KubeClient {
    func namespaceNames() async throws -> [String] {
        try await list(Namespace.self).items.map(\.metadata.name)
    }
}
