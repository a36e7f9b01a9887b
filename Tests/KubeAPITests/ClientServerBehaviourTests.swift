import Foundation
import KubeAPI
import TestAPIServer
import TestSupport
import Testing

/// What the client does when the server throttles, fails, expires versions, cuts watches or goes away.
/// These need the test API server's fault injection, so they always run in-process.
@Suite struct ClientServerBehaviourTests {
    static func withServer<T>(
        store: StoreConfiguration = StoreConfiguration(), clientOptions: KubeClientOptions = KubeClientOptions(),
        _ body: (TestCluster, TestAPIServer) async throws -> T
    ) async throws -> T {
        var options = TestAPIServer.Options()
        options.store = store
        return try await TestCluster.with(realClusterVariable: nil, serverOptions: options, clientOptions: clientOptions) {
            cluster in
            guard let server = cluster.server else { throw TestSetupError.noInProcessServer }
            return try await body(cluster, server)
        }
    }

    enum TestSetupError: Error { case noInProcessServer }

    @Test func honoursRetryAfterOn429AndThenSucceeds() async throws {
        try await Self.withServer { cluster, server in
            server.state.faults.failNext(1, with: .tooManyRequests(retryAfterSeconds: 1), verb: "get", resource: "namespaces")
            let started = ContinuousClock.now
            let namespace = try await cluster.client.get(Namespace.self, name: cluster.namespace)
            #expect(namespace.metadata.name == cluster.namespace)
            #expect(started.duration(to: .now) >= .seconds(1), "waited as long as Retry-After said")
            #expect(server.state.faults.requestCount(verb: "get", resource: "namespaces") == 2)
        }
    }

    @Test func clientSideLimitStepsAsideOnceTheServerShowsPriorityAndFairness() async throws {
        let defaults = KubeClientOptions(qps: 5, burst: 1, yieldsToPriorityAndFairness: true)
        try await Self.withServer(clientOptions: defaults) { cluster, _ in
            _ = try await cluster.client.get(Namespace.self, name: cluster.namespace)
            #expect(cluster.client.isPacedByServer)
            // 20 requests at 5 qps with a burst of 1 would need ~4 s; the server paces now, so none of them waits.
            for _ in 0..<20 { _ = try await cluster.client.get(Namespace.self, name: cluster.namespace) }
        }
    }

    @Test func clientSideLimitStaysWithoutPriorityAndFairnessOrWhenSetExplicitly() async throws {
        var withoutAPF = StoreConfiguration()
        withoutAPF.priorityAndFairness = false
        let defaults = KubeClientOptions(qps: 50, burst: 100, yieldsToPriorityAndFairness: true)
        try await Self.withServer(store: withoutAPF, clientOptions: defaults) { cluster, _ in
            _ = try await cluster.client.get(Namespace.self, name: cluster.namespace)
            #expect(!cluster.client.isPacedByServer, "an apiserver without APF relies on clients pacing themselves")
        }
        let explicit = KubeClientOptions(qps: 50, burst: 100, yieldsToPriorityAndFairness: false)
        try await Self.withServer(clientOptions: explicit) { cluster, _ in
            _ = try await cluster.client.get(Namespace.self, name: cluster.namespace)
            #expect(!cluster.client.isPacedByServer, "an operator's explicit -kube-api-qps always applies")
        }
    }

    @Test func givesUpAfterMaxRetriesWithTooManyRequests() async throws {
        try await Self.withServer(clientOptions: KubeClientOptions(maxRetries: 2)) { cluster, server in
            server.state.faults.failNext(10, with: .tooManyRequests(retryAfterSeconds: 0), verb: "get", resource: "namespaces")
            await #expect {
                try await cluster.client.get(Namespace.self, name: cluster.namespace)
            } throws: { error in
                guard case .tooManyRequests(let status, let retryAfter) = error as? KubeError else { return false }
                return status.code == 429 && retryAfter == .zero
            }
            #expect(server.state.faults.requestCount(verb: "get", resource: "namespaces") == 3)
        }
    }

    @Test func serverErrorsWithoutRetryAfterAreNotRetried() async throws {
        try await Self.withServer { cluster, server in
            server.state.faults.failNext(1, with: .serviceUnavailable, verb: "list", resource: "services")
            await #expect {
                try await cluster.client.list(Service.self, namespace: cluster.namespace)
            } throws: { error in
                guard case .serverError(let status) = error as? KubeError else { return false }
                return status.code == 503
            }
            #expect(server.state.faults.requestCount(verb: "list", resource: "services") == 1)
        }
    }

    @Test func unknownTokenIsUnauthorizedAndTheTokenIsNeverInTheError() async throws {
        try await Self.withServer { cluster, server in
            let secret = "not-a-valid-token-9f8e7d"
            let client = KubeClient(config: server.config(token: secret), transport: cluster.transport)
            do {
                _ = try await client.get(Namespace.self, name: "default")
                Issue.record("expected 401")
            } catch {
                guard case .unauthorized(let status) = error as? KubeError else {
                    Issue.record("expected unauthorized, got \(error)")
                    return
                }
                #expect(status.code == 401)
                #expect(!"\(error)".contains(secret))
                #expect(!String(reflecting: error).contains(secret))
            }
        }
    }

    @Test func forbiddenCarriesTheServersExplanation() async throws {
        try await Self.withServer { cluster, server in
            let token = server.addUser(
                name: "reader", rules: .rules([AccessRule(verbs: ["get"], resources: ["services"])]))
            let client = KubeClient(config: server.config(token: token), transport: cluster.transport)
            await #expect {
                try await client.list(Node.self)
            } throws: { error in
                guard case .forbidden(let status) = error as? KubeError else { return false }
                return status.message == #"nodes is forbidden: User "reader" cannot list resource "nodes" in API group "" at the cluster scope"#
            }
        }
    }

    @Test func clientCertificateAuthenticates() async throws {
        try await Self.withServer { cluster, server in
            let pair = try server.issueClientCertificate(commonName: "cert-admin", organizations: ["system:masters"])
            let credentials = StaticCredentials.clientCertificate(certificatePEM: pair.certificatePEM, keyPEM: pair.privateKeyPEM)
            let client = KubeClient(config: server.config(credentials: credentials), transport: cluster.transport)
            let namespace = try await client.get(Namespace.self, name: cluster.namespace)
            #expect(namespace.metadata.name == cluster.namespace)
        }
    }

    @Test func basicAuthAuthenticates() async throws {
        try await Self.withServer { cluster, server in
            server.state.authenticator.addBasicUser(name: "ops", password: "s3cret-pw")
            let client = KubeClient(
                config: server.config(credentials: StaticCredentials.basic(username: "ops", password: "s3cret-pw")),
                transport: cluster.transport)
            let namespace = try await client.get(Namespace.self, name: "default")
            #expect(namespace.metadata.name == "default")
        }
    }

    @Test func rotatedTokenFileIsReReadAfterA401() async throws {
        try await Self.withServer { cluster, server in
          try await TemporaryDirectory.with { directory in
            let tokenFile = directory.path + "/token"
            let first = server.addUser(name: "sa")
            try first.write(toFile: tokenFile, atomically: true, encoding: .utf8)
            // A long check interval: only the 401 can make the client look at the file again.
            let credentials = TokenFileCredentials(path: tokenFile, checkInterval: .seconds(3600))
            let client = KubeClient(config: server.config(credentials: credentials), transport: cluster.transport)
            _ = try await client.get(Namespace.self, name: "default")

            let second = server.addUser(name: "sa")
            try second.write(toFile: tokenFile, atomically: true, encoding: .utf8)
            server.state.authenticator.removeToken(first)

            // The old token is gone: this succeeds only if the 401 made the client read the file again.
            let namespace = try await client.get(Namespace.self, name: "default")
            #expect(namespace.metadata.name == "default")
          }
        }
    }

    @Test func execPluginTokenIsCachedAndReExecutedAfterA401() async throws {
        try await Self.withServer { cluster, server in
          try await TemporaryDirectory.with { directory in
            let tokenFile = directory.path + "/current-token"
            let countFile = directory.path + "/runs"
            let plugin = directory.path + "/plugin.sh"
            try """
                #!/bin/sh
                echo run >> "\(countFile)"
                printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$(cat "\(tokenFile)")"
                """.write(toFile: plugin, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: plugin)
            let first = server.addUser(name: "exec-user")
            try first.write(toFile: tokenFile, atomically: true, encoding: .utf8)

            let credentials = ExecCredentials(
                config: ExecPluginConfig(apiVersion: "client.authentication.k8s.io/v1", command: plugin))
            let client = KubeClient(config: server.config(credentials: credentials), transport: cluster.transport)
            _ = try await client.get(Namespace.self, name: "default")
            _ = try await client.get(Namespace.self, name: "default")
            #expect(try Self.lines(countFile) == 1, "a token without expiry is cached")

            let second = server.addUser(name: "exec-user")
            try second.write(toFile: tokenFile, atomically: true, encoding: .utf8)
            server.state.authenticator.removeToken(first)
            _ = try await client.get(Namespace.self, name: "default")
            #expect(try Self.lines(countFile) == 2, "the 401 made the plugin run again")
          }
        }
    }

    @Test func bookmarksArriveOnAQuietWatch() async throws {
        var store = StoreConfiguration()
        store.bookmarkInterval = .milliseconds(100)
        try await Self.withServer(store: store) { cluster, _ in
            let stream = try await cluster.client.watch(
                Service.self, namespace: cluster.namespace, options: WatchOptions(resourceVersion: "0"))
            for try await event in stream {
                if case .bookmark(let version, _) = event {
                    #expect(!version.isEmpty)
                    break
                }
            }
        }
    }

    @Test func watchFromACompactedVersionReports410() async throws {
        try await Self.withServer { cluster, server in
            let list = try await cluster.client.list(Service.self, namespace: cluster.namespace)
            _ = try await cluster.client.create(ClientVerbTests.service("web", namespace: cluster.namespace))
            server.state.compact()
            let stream = try await cluster.client.watch(
                Service.self, namespace: cluster.namespace,
                options: WatchOptions(resourceVersion: list.metadata.resourceVersion))
            var iterator = stream.makeAsyncIterator()
            let event = try await iterator.next()
            guard case .error(let status) = event else {
                Issue.record("expected a 410 error event, got \(String(describing: event))")
                return
            }
            #expect(status.code == 410)
        }
    }

    @Test func aCutWatchThrowsInterrupted() async throws {
        try await Self.withServer { cluster, server in
            let cut = try await cluster.client.watch(Service.self, namespace: cluster.namespace)
            try #require(try await eventually { server.state.openWatchCount == 1 })
            server.state.abortAllWatches()
            await #expect {
                for try await _ in cut {}
            } throws: { error in
                guard case .transport(let transport) = error as? KubeError else { return false }
                return if case .interrupted = transport { true } else { false }
            }
        }
    }

    @Test func aWatchTheServerClosesEndsCleanly() async throws {
        try await Self.withServer { cluster, server in
            let closed = try await cluster.client.watch(Node.self)
            try #require(try await eventually { server.state.openWatchCount == 1 })
            server.state.closeAllWatches()
            var events = 0
            for try await _ in closed { events += 1 }
            #expect(events == 0)
        }
    }

    @Test func stoppedServerIsAConnectionFailureAndARestartedOneServesTheSameState() async throws {
        try await Self.withServer { cluster, server in
            _ = try await cluster.client.create(ClientVerbTests.service("web", namespace: cluster.namespace))
            await server.stop()
            await #expect {
                try await cluster.client.get(Service.self, name: "web", namespace: cluster.namespace)
            } throws: { error in
                guard case .transport(let transport) = error as? KubeError else { return false }
                return if case .connectionFailed = transport { true } else { false }
            }
            try await server.resume()
            let service = try await cluster.client.get(Service.self, name: "web", namespace: cluster.namespace)
            #expect(service.metadata.name == "web")
        }
    }

    static func lines(_ path: String) throws -> Int {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count
    }
}
