/// Builds status and headers from the lines libcurl hands to the header callback, skipping 1xx interim responses.
struct ResponseHeadParser {
    private(set) var status = 0
    private(set) var headers = HTTPHeaders()
    /// True once the blank line after a final (non-1xx) status has been seen; later lines are trailers.
    private(set) var isComplete = false

    /// Feeds one header line (with its CRLF). Returns true when this line completed the final head.
    mutating func consume(_ line: UnsafeRawBufferPointer) -> Bool {
        guard !isComplete else { return false }
        var end = line.count
        while end > 0, line[end - 1] == UInt8(ascii: "\n") || line[end - 1] == UInt8(ascii: "\r") {
            end -= 1
        }
        let content = line[0..<end]
        if content.isEmpty {
            guard status >= 200 else { return false }  // end of a 100 Continue or similar
            isComplete = true
            return true
        }
        if content.starts(with: "HTTP/".utf8) {
            status = Self.parseStatus(content)
            headers = HTTPHeaders()
            return false
        }
        guard let colon = content.firstIndex(of: UInt8(ascii: ":")) else { return false }
        let name = String(decoding: content[content.startIndex..<colon], as: UTF8.self)
        let value = String(decoding: Self.trimmed(content[(colon + 1)...]), as: UTF8.self)
        headers.add(name: name, value: value)
        return false
    }

    /// `HTTP/1.1 200 OK` or `HTTP/2 200`: the three digits after the first space.
    private static func parseStatus(_ line: Slice<UnsafeRawBufferPointer>) -> Int {
        guard let space = line.firstIndex(of: UInt8(ascii: " ")) else { return 0 }
        var status = 0
        for byte in line[(space + 1)...].prefix(3) {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return 0 }
            status = status * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return status
    }

    private static func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer> {
        var slice = bytes
        while let first = slice.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            slice = slice.dropFirst()
        }
        while let last = slice.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            slice = slice.dropLast()
        }
        return slice
    }
}
