import KubeAPI
import Testing
@testable import Providers

@Suite struct RegistryTests {
    let environment = ProviderEnvironment(variables: [:], transport: HTTPTransport())

    @Test func projectSelectsGKE() throws {
        let provider = try ProviderRegistry.standard.makeProvider(
            flags: ProviderFlags(remoteProject: "p", remoteClusterName: "c"), environment: environment)
        #expect(provider.name == "gke")
        #expect(provider.displayName == "gke_p_europe-west1-c_c")
    }

    @Test func kubeconfigSelectsKubeconfig() throws {
        let provider = try ProviderRegistry.standard.makeProvider(
            flags: ProviderFlags(remoteKubeconfig: "/some/kubeconfig", remoteContext: "prod"), environment: environment)
        #expect(provider.name == "kubeconfig")
        #expect(provider.displayName == "prod")
    }

    @Test func explicitProviderWins() throws {
        let provider = try ProviderRegistry.standard.makeProvider(
            flags: ProviderFlags(remoteProvider: "kubeconfig", remoteKubeconfig: "/k", remoteProject: "p"),
            environment: environment)
        #expect(provider.name == "kubeconfig")
    }

    @Test func nothingConfiguredListsBothWays() async {
        let message = await providerErrorMessage {
            try ProviderRegistry.standard.makeProvider(flags: ProviderFlags(), environment: environment)
        }
        #expect(
            message
                == "no remote cluster configured: set -remote-project and -remote-cluster-name (with -remote-zone) "
                + "for a GKE cluster, -eks-cluster-name (with -eks-region) for an EKS cluster, "
                + "or -remote-kubeconfig (with -remote-context) for any cluster")
    }

    @Test func unknownProviderListsKnownOnes() async {
        let message = await providerErrorMessage {
            try ProviderRegistry.standard.makeProvider(
                flags: ProviderFlags(remoteProvider: "aks"), environment: environment)
        }
        #expect(message == "-remote-provider aks: unknown provider (use one of: eks, gke, kubeconfig)")
    }

    @Test func newProvidersRegisterByName() throws {
        struct Fixed: RemoteClusterProvider {
            var name: String { "fixed" }
            var displayName: String { "fixed-cluster" }
            func resolve() async throws(ProviderError) -> ClusterConfig {
                ClusterConfig(server: "https://127.0.0.1:1", displayName: displayName)
            }
        }
        var registry = ProviderRegistry.standard
        registry.register(name: "fixed") { (_, _) throws(ProviderError) in Fixed() }
        #expect(registry.names == ["eks", "fixed", "gke", "kubeconfig"])
        let provider = try registry.makeProvider(flags: ProviderFlags(remoteProvider: "fixed"), environment: environment)
        #expect(provider.displayName == "fixed-cluster")
    }

    @Test func plainHTTPOnlyOnLoopback() throws {
        #expect(try GoogleEndpoint.validated("http://127.0.0.1:8080/", origin: "x") == "http://127.0.0.1:8080")
        #expect(try GoogleEndpoint.validated("http://localhost:1", origin: "x") == "http://localhost:1")
        #expect(try GoogleEndpoint.validated("http://[::1]:1/token", origin: "x") == "http://[::1]:1/token")
        #expect(throws: ProviderError("x http://127.0.0.1.example.com: plain http is allowed only for loopback hosts (use https://)")) {
            try GoogleEndpoint.validated("http://127.0.0.1.example.com", origin: "x")
        }
        #expect(throws: ProviderError.self) { try GoogleEndpoint.validated("ftp://host", origin: "x") }
        #expect(try GoogleEndpoint.validated("https://container.googleapis.com", origin: "x") == "https://container.googleapis.com")
    }

    @Test func tokensAreRefreshedAheadOfExpiry() {
        #expect(GoogleAccessTokenSource.refreshDelay(.seconds(3600)) == .seconds(3300))
        #expect(GoogleAccessTokenSource.refreshDelay(.seconds(2)) == .seconds(1))
    }
}
