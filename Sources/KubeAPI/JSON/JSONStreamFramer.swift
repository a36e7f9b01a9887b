/// Splits a byte stream into complete top-level JSON values as the bytes arrive.
///
/// A watch response is a sequence of JSON objects (kube-apiserver writes one per line, but proxies may
/// re-chunk the stream anywhere). The framer scans each byte once, tracking string and escape state,
/// so a frame split across chunks costs no rescanning.
public struct JSONStreamFramer: Sendable {
    private var buffer: [UInt8] = []
    /// Bytes already dropped from the front of `buffer`, so errors can name a position in the whole stream.
    private var dropped = 0
    /// Where the next unscanned byte is.
    private var scanned = 0
    /// Where the current value starts, or nil between values.
    private var start: Int?
    private var depth = 0
    private var inString = false
    private var escaped = false
    /// The largest frame accepted; a bigger one means a broken or hostile stream.
    public let maximumFrameSize: Int

    public init(maximumFrameSize: Int = 64 << 20) {
        self.maximumFrameSize = maximumFrameSize
    }

    public enum FramingError: Error, Sendable, Equatable {
        /// A frame grew past `maximumFrameSize`.
        case frameTooLarge(Int)
        /// A byte outside any object or array that is not white space (watch frames are objects); `offset`
        /// counts from the start of the stream.
        case unexpectedByte(UInt8, offset: Int)
    }

    /// Bytes received but not yet returned as a frame.
    public var pendingByteCount: Int { buffer.count - (start ?? scanned) }

    public mutating func append(_ bytes: some Collection<UInt8>) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// The next complete value, or nil when more bytes are needed.
    public mutating func nextFrame() throws(FramingError) -> ArraySlice<UInt8>? {
        while scanned < buffer.count {
            let byte = buffer[scanned]
            if let frameStart = start {
                if inString {
                    if escaped {
                        escaped = false
                    } else if byte == UInt8(ascii: "\\") {
                        escaped = true
                    } else if byte == UInt8(ascii: "\"") {
                        inString = false
                    }
                } else if byte == UInt8(ascii: "\"") {
                    inString = true
                } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                    depth += 1
                } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 {
                        let frame = buffer[frameStart...scanned]
                        scanned += 1
                        start = nil
                        return frame
                    }
                }
                if scanned - frameStart >= maximumFrameSize {
                    throw .frameTooLarge(scanned - frameStart)
                }
            } else {
                switch byte {
                case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                    break
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    start = scanned
                    depth = 1
                default:
                    throw .unexpectedByte(byte, offset: dropped + scanned)
                }
            }
            scanned += 1
        }
        return nil
    }

    /// Drops bytes already returned, before new bytes arrive (not while a returned frame may still share
    /// the buffer). Bytes move only once they are at least half the buffer: moving the tail for every frame
    /// would cost O(frames x buffer) when one read brings many events.
    private mutating func compact() {
        let consumed = start ?? scanned
        guard consumed > 0, consumed * 2 >= buffer.count else { return }
        if consumed == buffer.count {
            buffer.removeAll(keepingCapacity: true)
        } else {
            buffer.removeFirst(consumed)
        }
        dropped += consumed
        scanned -= consumed
        if start != nil { start = 0 }
    }
}
