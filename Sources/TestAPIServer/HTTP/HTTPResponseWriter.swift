import NIOCore
import NIOHTTP1

/// Writes a `ServerResponse` to a connection from any task: whole bodies with a content length,
/// streams chunked and flushed per chunk.
struct HTTPResponseWriter: Sendable {
    let channel: any Channel
    let version: HTTPVersion
    let keepAlive: Bool

    func write(_ response: ServerResponse) async {
        var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
        if !keepAlive {
            headers.replaceOrAdd(name: "connection", value: "close")
        }
        let status = HTTPResponseStatus(statusCode: response.status)
        do {
            switch response.body {
            case .bytes(let bytes):
                headers.replaceOrAdd(name: "content-length", value: String(bytes.count))
                headers.remove(name: "transfer-encoding")
                channel.write(HTTPServerResponsePart.head(HTTPResponseHead(version: version, status: status, headers: headers)), promise: nil)
                if !bytes.isEmpty {
                    channel.write(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: bytes))), promise: nil)
                }
                try await channel.writeAndFlush(HTTPServerResponsePart.end(nil))
            case .stream(let chunks):
                headers.remove(name: "content-length")
                headers.replaceOrAdd(name: "transfer-encoding", value: "chunked")
                try await channel.writeAndFlush(
                    HTTPServerResponsePart.head(HTTPResponseHead(version: version, status: status, headers: headers)))
                for await chunk in chunks {
                    switch chunk {
                    case .data(let bytes):
                        guard !bytes.isEmpty else { continue }  // an empty chunk would end the body
                        try await channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: bytes))))
                    case .abort:
                        try? await channel.close()
                        return
                    }
                }
                if Task.isCancelled {
                    return  // the connection is gone
                }
                try await channel.writeAndFlush(HTTPServerResponsePart.end(nil))
            }
            if !keepAlive {
                try? await channel.close()
            }
        } catch {
            // The client went away mid-response; nothing left to tell it.
            try? await channel.close()
        }
    }
}
