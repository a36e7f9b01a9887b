/// The events of one watch, decoded one at a time as their bytes arrive.
///
/// Ends (nil) when the server closes the watch cleanly (timeoutSeconds, apiserver shutdown); throws when
/// the connection breaks or a frame cannot be decoded. Either way the caller resumes from the last
/// resourceVersion it saw.
public struct WatchStream<Object: KubeResource>: AsyncSequence, Sendable {
    public typealias Element = WatchEvent<Object>
    public typealias Failure = KubeError

    let body: HTTPBodyStream

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(body: body.makeAsyncIterator())
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var body: HTTPBodyStream.AsyncIterator
        var framer = JSONStreamFramer()

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(KubeError) -> Element? {
            while true {
                let frame: ArraySlice<UInt8>?
                do {
                    frame = try framer.nextFrame()
                } catch {
                    throw .transport(.interrupted("malformed watch stream: \(error)"))
                }
                if let frame { return try Self.decode(frame) }
                let chunk: [UInt8]?
                do {
                    chunk = try await body.next(isolation: actor)
                } catch {
                    throw .transport(error)
                }
                guard let chunk else {
                    if framer.pendingByteCount > 0 { throw .transport(.interrupted("watch stream ended inside an event")) }
                    return nil
                }
                framer.append(chunk)
            }
        }

        public mutating func next() async throws(KubeError) -> Element? {
            try await next(isolation: nil)
        }

        private static func decode(_ frame: ArraySlice<UInt8>) throws(KubeError) -> Element {
            let start = StageTrace.isOn ? StageTrace.now() : 0
            defer {
                if StageTrace.isOn {
                    StageTrace.write(["watchdecode", Object.resourceType.description, String(start), String(StageTrace.now() - start)])
                }
            }
            let result: Result<Element, JSONDecodingError> = frame.withUnsafeBytes { bytes in
                Result { () throws(JSONDecodingError) in try JSONDocument.decode(Element.self, from: bytes) }
            }
            do {
                return try result.get()
            } catch {
                throw .decoding(error, what: "\(Object.resourceType) watch event")
            }
        }
    }
}
