import Foundation
import Synchronization
import TestAPIServer

#if canImport(Glibc)
    import Glibc
#endif

/// A plain-HTTP/1.1 server on 127.0.0.1 for fakes that real clients reach without TLS (the GCE metadata
/// server). One thread per connection, one request per connection: enough for tests, nothing more.
public final class LoopbackHTTPServer: Sendable {
    public let port: Int
    private let listener: Int32
    private let handler: any ServerRequestHandler
    private let stopped = Atomic<Bool>(false)

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public init(handler: any ServerRequestHandler) throws {
        self.handler = handler
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw Failure(description: "bind/listen: errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// `127.0.0.1:PORT`.
    public var hostAndPort: String { "127.0.0.1:\(port)" }

    /// Stops accepting; requests in progress finish.
    public func stop() {
        guard !stopped.exchange(true, ordering: .sequentiallyConsistent) else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while !stopped.load(ordering: .sequentiallyConsistent) {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            Thread.detachNewThread { [self] in serve(client) }
        }
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        guard let request = readRequest(client) else { return }
        let response = respond(to: request)
        var head = "HTTP/1.1 \(response.status) \(response.status == 200 ? "OK" : "Error")\r\n"
        var body: [UInt8] = []
        if case .bytes(let bytes) = response.body { body = bytes }
        for header in response.headers { head += "\(header.name): \(header.value)\r\n" }
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        writeAll(client, Array(head.utf8) + body)
    }

    /// Runs the async handler from this connection thread and waits for it.
    private func respond(to request: ServerRequest) -> ServerResponse {
        let result = Mutex<ServerResponse?>(nil)
        let done = DispatchSemaphore(value: 0)
        let handler = handler
        Task {
            let response = await handler.handle(request)
            result.withLock { $0 = response }
            done.signal()
        }
        done.wait()
        return result.withLock { $0 } ?? ServerResponse(status: 500)
    }

    private func readRequest(_ client: Int32) -> ServerRequest? {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headerEnd: Int?
        while headerEnd == nil {
            let count = read(client, &chunk, chunk.count)
            guard count > 0 else { return nil }
            buffer += chunk[0..<count]
            if buffer.count > 64 * 1024 { return nil }
            headerEnd = Self.find(separator, in: buffer)
        }
        guard let headerEnd else { return nil }
        let lines = String(decoding: buffer[0..<headerEnd], as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append(
                (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        let contentLength = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
        var body = Array(buffer[(headerEnd + separator.count)...])
        while body.count < contentLength {
            let count = read(client, &chunk, chunk.count)
            guard count > 0 else { return nil }
            body += chunk[0..<count]
        }
        let target = String(requestLine[1])
        let pathPart = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        return ServerRequest(
            method: String(requestLine[0]), path: String(pathPart[0]).removingPercentEncoding ?? String(pathPart[0]),
            query: pathPart.count > 1 ? String(pathPart[1]) : "", headers: headers, body: body)
    }

    private func writeAll(_ client: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
            guard written > 0 else { return }
            offset += written
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }
}
