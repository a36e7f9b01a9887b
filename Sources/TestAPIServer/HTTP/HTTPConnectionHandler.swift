import Logging
import NIOCore
import NIOHTTP1

/// Assembles one HTTP/1.1 request at a time, runs the `ServerRequestHandler` in a task and writes its response.
/// Lives on the connection's event loop.
final class HTTPConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let requestHandler: any ServerRequestHandler
    private let logger: Logger
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var responseTask: Task<Void, Never>?
    /// From the TLS handshake: set before the first request arrives.
    private var clientCertificate: ClientCertificateSubject?

    init(requestHandler: any ServerRequestHandler, logger: Logger) {
        self.requestHandler = requestHandler
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(var buffer):
            body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
        case .end:
            guard let head else { return }
            self.head = nil
            dispatch(head: head, body: body, channel: context.channel)
            body = []
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let handshake = event as? TLSHandshakeCompleted {
            clientCertificate = handshake.peerCertificate.flatMap(Self.clientCertificateSubject)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        // The client went away: stop the handler's work (a watch's event stream, a slow answer).
        responseTask?.cancel()
        responseTask = nil
        context.fireChannelInactive()
    }

    private func dispatch(head: HTTPRequestHead, body: [UInt8], channel: any Channel) {
        let (path, query) = Self.splitTarget(head.uri)
        let request = ServerRequest(
            method: head.method.rawValue, path: path, query: query,
            headers: head.headers.map { (name: $0.name, value: $0.value) }, body: body,
            clientCertificate: clientCertificate)
        let handler = requestHandler
        let writer = HTTPResponseWriter(channel: channel, version: head.version, keepAlive: head.isKeepAlive)
        responseTask = Task {
            let response = await handler.handle(request)
            await writer.write(response)
        }
    }

    /// The user (last CN) and groups (every O) of a client certificate, as kube-apiserver reads them.
    /// Only a certificate that verified against the client CA gets here.
    private static func clientCertificateSubject(_ certificate: TLSPeerCertificate) -> ClientCertificateSubject? {
        let names = certificate.subject
        guard let commonName = names.last(where: { $0.type == "CN" })?.value else { return nil }
        return ClientCertificateSubject(
            commonName: commonName, organizations: names.filter { $0.type == "O" }.map(\.value))
    }

    /// Splits a request target into its percent-decoded path and raw query.
    static func splitTarget(_ target: String) -> (path: String, query: String) {
        let bytes = Array(target.utf8)
        let questionMark = bytes.firstIndex(of: UInt8(ascii: "?"))
        let rawPath = bytes[..<(questionMark ?? bytes.endIndex)]
        let query = questionMark.map { String(decoding: bytes[($0 + 1)...], as: UTF8.self) } ?? ""
        return (percentDecode(rawPath), query)
    }

    private static func percentDecode(_ bytes: ArraySlice<UInt8>) -> String {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.endIndex,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(byte)
                index += 1
            }
        }
        return String(decoding: decoded, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
