import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import TestAPIServer

/// The server's TLS handler, driven byte for byte by an OpenSSL client over memory BIOs.
@Suite("TLS termination with OpenSSL")
struct OpenSSLServerHandlerTests {
    @Test func theHandshakeReportsTheVerifiedClientCertificateBeforeAnyPlaintext() throws {
        let server = try Server(requestClientCertificates: true)
        let client = try MemoryTLSClient(
            trusting: server.ca.certificatePEM,
            certificate: server.ca.issueClientCertificate(commonName: "alice", organizations: ["devs", "ops"]))
        try server.handshake(with: client)
        client.write("GET / HTTP/1.1\r\n\r\n")
        try server.exchange(with: client)

        #expect(server.seen.events == [
            .handshake(TLSPeerCertificate(subject: [
                .init(type: "O", value: "devs"), .init(type: "O", value: "ops"), .init(type: "CN", value: "alice"),
            ])),
            .read("GET / HTTP/1.1\r\n\r\n"),
        ])
    }

    @Test func aClientWithoutACertificateIsAllowedAndALPNAnswersHTTP11() throws {
        let server = try Server(requestClientCertificates: true)
        let client = try MemoryTLSClient(trusting: server.ca.certificatePEM, alpn: ["h2", "http/1.1"])
        try server.handshake(with: client)

        #expect(server.seen.events == [.handshake(nil)])
        #expect(client.negotiatedProtocol == "http/1.1")
    }

    @Test func aClientCertificateFromAnotherCAFailsTheHandshakeAndClosesTheChannel() throws {
        let server = try Server(requestClientCertificates: true)
        let client = try MemoryTLSClient(
            trusting: server.ca.certificatePEM,
            certificate: TestCertificateAuthority.generate(commonName: "other").issueClientCertificate(commonName: "mallory"))
        #expect(throws: (any Error).self) { try server.handshake(with: client) }

        #expect(!server.channel.isActive)
        #expect(server.seen.events.isEmpty)
    }

    @Test func bytesThatAreNotTLSCloseTheChannelWithoutReachingTheHandlerAbove() throws {
        let server = try Server()
        try server.channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: x\r\n\r\n"))

        #expect(!server.channel.isActive)
        #expect(server.seen.events.isEmpty)
    }

    @Test func responsesAreEncryptedAndWritesBeforeTheHandshakeWaitForIt() throws {
        let server = try Server()
        let client = try MemoryTLSClient(trusting: server.ca.certificatePEM)
        server.channel.writeAndFlush(ByteBuffer(string: "early "), promise: nil)
        try server.handshake(with: client)
        try server.channel.writeAndFlush(ByteBuffer(string: "and late")).wait()
        try server.exchange(with: client)

        #expect(client.read() == "early and late")
    }

    @Test func aClientCloseNotifyIsAnsweredAndTheChannelClosed() throws {
        let server = try Server()
        let client = try MemoryTLSClient(trusting: server.ca.certificatePEM)
        try server.handshake(with: client)
        client.shutdown()
        try server.exchange(with: client)

        _ = client.read()
        #expect(client.receivedCloseNotify)
        #expect(!server.channel.isActive)
    }

    @Test func withHalfClosureAllowedACloseNotifyClosesOnlyTheInputAndTheServerStillAnswers() throws {
        let server = try Server()
        try server.channel.setOption(.allowRemoteHalfClosure, value: true).wait()
        let client = try MemoryTLSClient(trusting: server.ca.certificatePEM)
        try server.handshake(with: client)
        client.write("last request")
        client.shutdown()
        try server.exchange(with: client)
        #expect(server.seen.events.suffix(2) == [.read("last request"), .inputClosed])
        #expect(server.channel.isActive)

        try server.channel.writeAndFlush(ByteBuffer(string: "last answer")).wait()
        try server.channel.close().wait()
        try server.exchange(with: client)
        #expect(client.read() == "last answer")
        #expect(client.receivedCloseNotify)
    }

    @Test func closingTheChannelSendsCloseNotify() throws {
        let server = try Server()
        let client = try MemoryTLSClient(trusting: server.ca.certificatePEM)
        try server.handshake(with: client)
        try server.channel.close().wait()
        try server.exchange(with: client)

        _ = client.read()
        #expect(client.receivedCloseNotify)
    }
}

/// An EmbeddedChannel with the TLS handler and a recorder of what reaches the next handler.
private struct Server {
    let ca: TestCertificateAuthority
    let channel = EmbeddedChannel()
    let seen = Recorder()

    init(requestClientCertificates: Bool = false) throws {
        ca = try TestCertificateAuthority.generate()
        let certificate = try ca.issueServerCertificate()
        let context = try OpenSSLServerContext(
            material: ServerTLSMaterial(
                certificateChainPEM: certificate.certificatePEM, privateKeyPEM: certificate.privateKeyPEM,
                clientCATrustPEM: requestClientCertificates ? ca.certificatePEM : nil))
        try channel.pipeline.syncOperations.addHandlers(
            OpenSSLServerHandler(context: context, logger: Logger(label: "test")), seen)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 443)).wait()
    }

    struct HandshakeFailed: Error {}

    func handshake(with client: MemoryTLSClient) throws {
        for _ in 0..<10 {
            let done = client.handshake()
            try exchange(with: client)
            if done, channel.isActive { return }
            guard channel.isActive else { throw HandshakeFailed() }
        }
        throw HandshakeFailed()
    }

    /// Sends the client's pending bytes to the server and the server's answer back.
    func exchange(with client: MemoryTLSClient) throws {
        if let bytes = client.output(), channel.isActive {
            try channel.writeInbound(bytes)
        }
        while let bytes = try channel.readOutbound(as: ByteBuffer.self) {
            client.receive(bytes)
        }
    }
}

private final class Recorder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    enum Event: Equatable {
        case handshake(TLSPeerCertificate?)
        case read(String)
        case inputClosed
    }

    var events: [Event] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        events.append(.read(String(buffer: unwrapInboundIn(data))))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let handshake = event as? TLSHandshakeCompleted {
            events.append(.handshake(handshake.peerCertificate))
        } else if let event = event as? ChannelEvent, event == .inputClosed {
            events.append(.inputClosed)
        }
    }
}
