import Foundation
import Synchronization
import Testing

@testable import KubeAPI
import TestAPIServer

@Suite("HTTP transport over verified HTTPS")
struct TransportTests {
    // MARK: round trips and TLS

    @Test func getAndPostRoundTripOverVerifiedHTTPS() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.tearDown() }

        let get = try await fixture.transport.send(fixture.request("GET", "/echo/some%20thing?x=1"))
        #expect(get.status == 200)
        #expect(get.headers["X-Method"] == "GET")
        #expect(get.headers["x-path"] == "/echo/some thing")
        #expect(get.headers["x-query"] == "x=1")

        let body = Array(#"{"kind":"Service"}"#.utf8)
        var post = fixture.request("POST", "/echo")
        post.headers = [("Content-Type", "application/json"), ("Authorization", "Bearer secret-token")]
        post.body = body
        let posted = try await fixture.transport.send(post)
        #expect(posted.status == 200)
        #expect(posted.headers["x-method"] == "POST")
        #expect(posted.body == body)
        let seen = try #require(fixture.endpoints.lastRequest)
        #expect(seen.header("content-type") == "application/json")
        #expect(seen.header("authorization") == "Bearer secret-token")
    }

    @Test func putPatchAndDeleteCarryTheirMethodAndBody() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.tearDown() }

        for method in ["PUT", "PATCH", "DELETE"] {
            var request = fixture.request(method, "/echo")
            request.body = Array("payload-\(method)".utf8)
            let response = try await fixture.transport.send(request)
            #expect(response.headers["x-method"] == method)
            #expect(response.body == Array("payload-\(method)".utf8))
        }
        let delete = try await fixture.transport.send(fixture.request("DELETE", "/echo"))
        #expect(delete.headers["x-method"] == "DELETE")
        #expect(delete.body.isEmpty)
    }

    @Test func anHTTPErrorStatusIsAResponseNotATransportError() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.tearDown() }

        let response = try await fixture.transport.send(fixture.request("GET", "/missing"))
        #expect(response.status == 404)
        #expect(response.body == Array("not found".utf8))
    }

    @Test func aServerCertificateFromAnotherCAFailsWithTLSError() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.tearDown() }
        let otherCA = try TestCertificateAuthority.generate(commonName: "some-other-ca")

        var request = fixture.request("GET", "/echo")
        request.tls.caPEM = otherCA.certificatePEM
        let error = await transportError { try await fixture.transport.send(request) }
        #expect(error?.kind == "tls")
    }

    @Test func serverNameOverrideVerifiesAgainstThatNameWhileConnectingToTheURLHost() async throws {
        let fixture = try await ServerFixture(serverDNSNames: ["kubernetes"], serverIPs: [])
        defer { fixture.tearDown() }

        var request = fixture.request("GET", "/echo")
        let withoutOverride = await transportError { try await fixture.transport.send(request) }
        #expect(withoutOverride?.kind == "tls")

        request.tls.serverName = "kubernetes"
        let response = try await fixture.transport.send(request)
        #expect(response.status == 200)
        #expect(fixture.endpoints.lastRequest?.header("host")?.hasPrefix("kubernetes") == true)
    }

    @Test func clientCertificateIsPresentedAndItsSubjectSeenByTheServer() async throws {
        let fixture = try await ServerFixture(requestClientCertificates: true)
        defer { fixture.tearDown() }
        let client = try fixture.ca.issueClientCertificate(commonName: "alice", organizations: ["devs", "ops"])

        var request = fixture.request("GET", "/echo")
        request.tls.clientCertificatePEM = client.certificatePEM
        request.tls.clientKeyPEM = client.privateKeyPEM
        let response = try await fixture.transport.send(request)
        #expect(response.headers["x-client-cn"] == "alice")
        #expect(fixture.endpoints.lastRequest?.clientCertificate
            == ClientCertificateSubject(commonName: "alice", organizations: ["devs", "ops"]))

        let anonymous = try await fixture.transport.send(fixture.request("GET", "/echo"))
        #expect(anonymous.headers["x-client-cn"] == nil)
    }

    @Test func aClientCertificateFromAnotherCAIsRefusedAtTheHandshake() async throws {
        let fixture = try await ServerFixture(requestClientCertificates: true)
        defer { fixture.tearDown() }
        let stranger = try TestCertificateAuthority.generate(commonName: "some-other-ca")
            .issueClientCertificate(commonName: "mallory", organizations: ["system:masters"])

        var request = fixture.request("GET", "/echo")
        request.tls.clientCertificatePEM = stranger.certificatePEM
        request.tls.clientKeyPEM = stranger.privateKeyPEM
        let error = await transportError { try await fixture.transport.send(request) }
        #expect(error != nil)
        #expect(fixture.endpoints.lastRequest == nil)

        let anonymous = try await fixture.transport.send(fixture.request("GET", "/echo"))
        #expect(anonymous.status == 200)
        #expect(anonymous.headers["x-client-cn"] == nil)
    }

    @Test func plainHTTPToTheTLSPortIsClosedAndTheServerKeepsServing() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.tearDown() }

        let plain = HTTPRequest(method: "GET", url: "http://127.0.0.1:\(fixture.port)/echo", timeout: .seconds(10))
        let error = await transportError { try await fixture.transport.send(plain) }
        #expect(error != nil)
        #expect(fixture.endpoints.lastRequest == nil)

        let response = try await fixture.transport.send(fixture.request("GET", "/echo"))
        #expect(response.status == 200)
    }

    @Test func caAndClientCertificateCanComeFromFiles() async throws {
        let fixture = try await ServerFixture(requestClientCertificates: true)
        defer { fixture.tearDown() }
        let client = try fixture.ca.issueClientCertificate(commonName: "bob")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("transport-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let caFile = directory.appendingPathComponent("ca.crt")
        let certificateFile = directory.appendingPathComponent("client.crt")
        let keyFile = directory.appendingPathComponent("client.key")
        try Data(fixture.ca.certificatePEM).write(to: caFile)
        try Data(client.certificatePEM).write(to: certificateFile)
        try Data(client.privateKeyPEM).write(to: keyFile)

        var request = fixture.request("GET", "/echo")
        request.tls = TLSSettings(caFile: caFile.path, clientCertificateFile: certificateFile.path, clientKeyFile: keyFile.path)
        let response = try await fixture.transport.send(request)
        #expect(response.headers["x-client-cn"] == "bob")
    }

    @Test func insecureSkipVerifyAcceptsAnUntrustedServer() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.tearDown() }

        var request = fixture.request("GET", "/echo")
        request.tls = TLSSettings(caPEM: try TestCertificateAuthority.generate().certificatePEM, insecureSkipVerify: true)
        #expect(try await fixture.transport.send(request).status == 200)
    }

    // MARK: failures

    @Test func aRequestSlowerThanItsTimeoutFailsWithTimedOut() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.tearDown() }

        var request = fixture.request("GET", "/never")
        request.timeout = .milliseconds(300)
        let error = await transportError { try await fixture.transport.send(request) }
        #expect(error?.kind == "timedOut")
    }

    @Test func aRefusedConnectionFailsWithConnectionFailed() async throws {
        // A port bound but not listening refuses connections, and no parallel test can take it meanwhile.
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socketFD >= 0)
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socketFD, $0, length) == 0 && getsockname(socketFD, $0, &length) == 0
            }
        }
        try #require(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))

        let transport = HTTPTransport()
        defer { transport.shutdown() }
        let error = await transportError {
            try await transport.send(HTTPRequest(method: "GET", url: "https://127.0.0.1:\(port)/", timeout: .seconds(30)))
        }
        #expect(error?.kind == "connectionFailed")
    }

    @Test func cancellingARequestAbortsItAndClosesTheConnection() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.tearDown() }

        var request = fixture.request("GET", "/never")
        request.timeout = nil
        let transport = fixture.transport
        let task = Task { [request] in await transportError { try await transport.send(request) } }
        #expect(await eventually { fixture.endpoints.neverStarted.load(ordering: .relaxed) == 1 })
        task.cancel()
        #expect(await task.value == .cancelled)
        // The server notices the closed connection: its handler is cancelled and the connection is gone.
        #expect(await eventually { fixture.endpoints.neverCancelled.load(ordering: .relaxed) == 1 })
        #expect(await eventually { fixture.server.openConnections == 0 })
    }

    @Test func aTaskCancelledBeforeSendingFailsWithCancelled() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.tearDown() }

        let transport = fixture.transport
        let request = fixture.request("GET", "/echo")
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await transportError { try await transport.send(request) }
        }
        #expect(await task.value == .cancelled)
    }

    // MARK: streaming

    @Test func streamedChunksArriveWhileTheServerIsStillSending() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.tearDown() }

        var request = fixture.request("GET", "/stream")
        request.timeout = nil
        let response = try await fixture.transport.stream(request)
        #expect(response.status == 200)
        var chunks = response.body.makeAsyncIterator()
        var received = try #require(try await chunks.next())
        // The server holds its last chunk back until this first one has reached us.
        fixture.endpoints.firstChunkReceived.store(true, ordering: .relaxed)
        while let chunk = try await chunks.next() {
            received += chunk
        }
        #expect(String(decoding: received, as: UTF8.self) == "chunk-0\nchunk-1\nchunk-2\nlast\n")
        let serverWaitedForFirstChunk = fixture.endpoints.lastChunkWaitedForClient.load(ordering: .relaxed)
        #expect(serverWaitedForFirstChunk)
    }

    @Test func aStreamCutMidBodyThrowsInterrupted() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.tearDown() }

        var request = fixture.request("GET", "/abort")
        request.timeout = nil
        let response = try await fixture.transport.stream(request)
        var received: [UInt8] = []
        let error = await transportError {
            for try await chunk in response.body {
                received += chunk
            }
        }
        #expect(error?.kind == "interrupted")
        #expect(String(decoding: received, as: UTF8.self) == "partial\n")
    }

    @Test func aLargeBodyReadByASlowConsumerArrivesCompleteAndInOrder() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.tearDown() }

        var request = fixture.request("GET", "/large")
        request.timeout = nil
        let response = try await fixture.transport.stream(request)
        // Not reading for a moment lets the backlog pass the pause threshold, so pause/resume runs.
        try await Task.sleep(for: .milliseconds(300))
        var total = 0
        var inOrder = true
        for try await chunk in response.body {
            for byte in chunk where byte != UInt8(truncatingIfNeeded: (total / TestEndpoints.largeChunkSize)) {
                inOrder = false
            }
            total += chunk.count
        }
        #expect(total == TestEndpoints.largeChunkSize * TestEndpoints.largeChunkCount)
        #expect(inOrder)
    }

    @Test func cancellingTheConsumingTaskAbortsTheStream() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.tearDown() }

        var request = fixture.request("GET", "/endless")
        request.timeout = nil
        let response = try await fixture.transport.stream(request)
        let started = SharedFlag()
        let consumer = Task {
            await transportError {
                for try await _ in response.body {
                    started.set()
                }
            }
        }
        #expect(await eventually { started.isSet })
        consumer.cancel()
        #expect(await consumer.value == .cancelled)
        #expect(await eventually { fixture.server.openConnections == 0 })
    }

    @Test func droppingAStreamAbortsTheTransfer() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.tearDown() }

        var request = fixture.request("GET", "/endless")
        request.timeout = nil
        var response: HTTPStreamingResponse? = try await fixture.transport.stream(request)
        #expect(response?.status == 200)
        #expect(fixture.server.openConnections == 1)
        response = nil
        #expect(await eventually { fixture.server.openConnections == 0 })
    }

    // MARK: connections

    @Test func sequentialRequestsReuseOneConnection() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.tearDown() }

        for _ in 0..<5 {
            let response = try await fixture.transport.send(fixture.request("GET", "/echo"))
            #expect(response.status == 200)
        }
        #expect(fixture.server.connectionsAccepted == 1)
    }

    @Test func fiftyConcurrentRequestsAllSucceed() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.tearDown() }

        let transport = fixture.transport
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<50 {
                let request = fixture.request("GET", "/echo/\(index)")
                group.addTask { try await transport.send(request).status }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.count == 50)
        #expect(statuses.allSatisfy { $0 == 200 })
    }

    @Test func theTransportWorksAgainAfterTheServerRestartsOnTheSamePort() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.tearDown() }

        #expect(try await fixture.transport.send(fixture.request("GET", "/echo")).status == 200)
        await fixture.server.stop()
        let port = try await fixture.server.start(port: fixture.port)
        #expect(port == fixture.port)
        #expect(try await fixture.transport.send(fixture.request("GET", "/echo")).status == 200)
    }

    @Test func shutdownFailsInFlightTransfersWithCancelled() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.tearDown() }

        var request = fixture.request("GET", "/never")
        request.timeout = nil
        let transport = fixture.transport
        let task = Task { [request] in await transportError { try await transport.send(request) } }
        #expect(await eventually { fixture.endpoints.neverStarted.load(ordering: .relaxed) == 1 })
        transport.shutdown()
        #expect(await task.value == .cancelled)
        #expect(await transportError { try await transport.send(request) } == .cancelled)
    }
}

// MARK: - fixtures

/// A test CA, an HTTPS server with `TestEndpoints` on a free port, and a transport that trusts the CA.
private struct ServerFixture {
    let ca: TestCertificateAuthority
    let endpoints = TestEndpoints()
    let server: HTTPSServer
    let port: Int
    let transport = HTTPTransport(connectTimeout: .seconds(5))

    init(
        serverDNSNames: [String] = ["localhost"], serverIPs: [String] = ["127.0.0.1"],
        requestClientCertificates: Bool = false
    ) async throws {
        ca = try TestCertificateAuthority.generate()
        let serverCertificate = try ca.issueServerCertificate(dnsNames: serverDNSNames, ipAddresses: serverIPs)
        server = HTTPSServer(
            tls: ServerTLSMaterial(
                certificateChainPEM: serverCertificate.certificatePEM, privateKeyPEM: serverCertificate.privateKeyPEM,
                clientCATrustPEM: requestClientCertificates ? ca.certificatePEM : nil),
            handler: endpoints)
        port = try await server.start()
    }

    func request(_ method: String, _ path: String) -> HTTPRequest {
        HTTPRequest(
            method: method, url: "https://127.0.0.1:\(port)\(path)", timeout: .seconds(10),
            tls: TLSSettings(caPEM: ca.certificatePEM))
    }

    func tearDown() {
        transport.shutdown()
        let server = self.server
        Task { await server.stop() }
    }
}

/// Endpoints for transport tests: echo, a never-answering one, streams that complete, abort or never end.
private final class TestEndpoints: ServerRequestHandler {
    let neverStarted = Atomic<Int>(0)
    let neverCancelled = Atomic<Int>(0)
    let firstChunkReceived = Atomic<Bool>(false)
    let lastChunkWaitedForClient = Atomic<Bool>(false)
    private let last = Mutex<ServerRequest?>(nil)
    static let largeChunkSize = 64 << 10
    static let largeChunkCount = 192

    var lastRequest: ServerRequest? {
        last.withLock { $0 }
    }

    func handle(_ request: ServerRequest) async -> ServerResponse {
        switch request.path {
        case let path where path.hasPrefix("/echo"):
            last.withLock { $0 = request }
            var headers = [
                (name: "x-method", value: request.method), (name: "x-path", value: request.path),
                (name: "x-query", value: request.query),
            ]
            if let subject = request.clientCertificate {
                headers.append((name: "x-client-cn", value: subject.commonName))
            }
            return ServerResponse(status: 200, headers: headers, body: .bytes(request.body))
        case "/never":
            neverStarted.add(1, ordering: .relaxed)
            try? await Task.sleep(for: .seconds(60))
            if Task.isCancelled {
                neverCancelled.add(1, ordering: .relaxed)
            }
            return ServerResponse(status: 200)
        case "/stream":
            return ServerResponse(status: 200, body: .stream(completeStream()))
        case "/abort":
            return ServerResponse(status: 200, body: .stream(AsyncStream { continuation in
                continuation.yield(.data(Array("partial\n".utf8)))
                continuation.yield(.abort)
                continuation.finish()
            }))
        case "/endless":
            return ServerResponse(status: 200, body: .stream(AsyncStream { continuation in
                let ticker = Task {
                    while !Task.isCancelled {
                        continuation.yield(.data(Array("tick\n".utf8)))
                        try? await Task.sleep(for: .milliseconds(20))
                    }
                }
                continuation.onTermination = { _ in ticker.cancel() }
            }))
        case "/large":
            let counter = ChunkCounter()
            // Produced on demand, so the server only runs ahead of the client as far as the network lets it.
            return ServerResponse(status: 200, body: .stream(AsyncStream {
                let index = counter.next()
                guard index < Self.largeChunkCount else { return nil }
                return .data([UInt8](repeating: UInt8(truncatingIfNeeded: index), count: Self.largeChunkSize))
            }))
        default:
            return ServerResponse(status: 404, body: .bytes(Array("not found".utf8)))
        }
    }

    private func completeStream() -> AsyncStream<ServerResponse.StreamChunk> {
        AsyncStream { continuation in
            Task {
                for index in 0..<3 {
                    continuation.yield(.data(Array("chunk-\(index)\n".utf8)))
                    try? await Task.sleep(for: .milliseconds(20))
                }
                let clientHadFirstChunk = await eventually { self.firstChunkReceived.load(ordering: .relaxed) }
                lastChunkWaitedForClient.store(clientHadFirstChunk, ordering: .relaxed)
                continuation.yield(.data(Array("last\n".utf8)))
                continuation.finish()
            }
        }
    }
}

/// Polls `condition` until it holds or `timeout` passes; a bounded wait, not a timing assertion.
private func eventually(
    timeout: Duration = .seconds(20), _ condition: @Sendable () async -> Bool
) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}

/// The `TransportError` `body` threw, or nil if it succeeded.
private func transportError<T>(_ body: () async throws -> T) async -> TransportError? {
    do {
        _ = try await body()
        return nil
    } catch let error as TransportError {
        return error
    } catch {
        return .other(code: -1, message: "not a TransportError: \(error)")
    }
}

/// Hands out 0, 1, 2, ... across tasks.
private final class ChunkCounter: Sendable {
    private let value = Atomic<Int>(0)

    func next() -> Int {
        value.wrappingAdd(1, ordering: .relaxed).oldValue
    }
}

/// A flag tasks can share.
private final class SharedFlag: Sendable {
    private let value = Atomic<Bool>(false)

    func set() {
        value.store(true, ordering: .relaxed)
    }

    var isSet: Bool {
        value.load(ordering: .relaxed)
    }
}

extension TransportError {
    fileprivate var kind: String {
        switch self {
        case .connectionFailed: return "connectionFailed"
        case .tls: return "tls"
        case .timedOut: return "timedOut"
        case .cancelled: return "cancelled"
        case .interrupted: return "interrupted"
        case .other: return "other"
        }
    }
}
