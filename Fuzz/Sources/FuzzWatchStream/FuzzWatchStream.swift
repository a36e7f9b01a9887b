import KubeAPI

/// Frames the input as a watch stream twice, whole and in chunks whose sizes come from the input, and decodes
/// every frame as the watch events barrelman reads. Framing must not depend on how the bytes were chunked:
/// a difference is a bug and traps.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    let whole = frame(input, chunkSizes: [size])
    let chunked = frame(input, chunkSizes: chunkSizes(for: input))
    guard whole == chunked else {
        fatalError("framing depends on chunking:\nwhole:   \(whole)\nchunked: \(chunked)")
    }
    for frame in whole.frames {
        frame.withUnsafeBytes { bytes in
            _ = try? JSONDocument.decode(WatchEvent<NodeSummary>.self, from: bytes)
            _ = try? JSONDocument.decode(WatchEvent<Service>.self, from: bytes)
        }
    }
    return 0
}

/// Small enough that large inputs reach the frame-size limit.
private let maximumFrameSize = 2048

private struct Framing: Equatable, CustomStringConvertible {
    var frames: [[UInt8]] = []
    var error: JSONStreamFramer.FramingError?
    var pendingByteCount = 0

    var description: String {
        let shown = frames.map { String(decoding: $0, as: UTF8.self) }
        return "frames \(shown), error \(error.map { "\($0)" } ?? "none"), pending \(pendingByteCount)"
    }
}

/// What `WatchStream` does: append each chunk, then take every complete frame; stop at the first error.
private func frame(_ input: UnsafeBufferPointer<UInt8>, chunkSizes: [Int]) -> Framing {
    var framer = JSONStreamFramer(maximumFrameSize: maximumFrameSize)
    var result = Framing()
    var offset = 0
    var sizes = chunkSizes.makeIterator()
    while offset < input.count {
        let end = min(input.count, offset + max(1, sizes.next() ?? input.count))
        framer.append(input[offset..<end])
        offset = end
        do {
            while let frame = try framer.nextFrame() { result.frames.append(Array(frame)) }
        } catch {
            result.error = error
            return result
        }
    }
    result.pendingByteCount = framer.pendingByteCount
    return result
}

/// Mostly small chunks (a proxy re-chunking byte by byte), sometimes large ones, as the bytes say.
private func chunkSizes(for input: UnsafeBufferPointer<UInt8>) -> [Int] {
    guard !input.isEmpty else { return [] }
    var sizes: [Int] = []
    var covered = 0
    var index = 0
    while covered < input.count {
        let byte = Int(input[(index &* 7) % input.count]) ^ (index & 0xff)
        let size = byte < 0xc0 ? 1 + byte % 16 : 1 + (byte - 0xc0) * 64
        sizes.append(size)
        covered += size
        index += 1
    }
    return sizes
}
