/// What AWS Signature Version 4 signs: method, host, path, query and the headers to sign, and the payload.
/// Values are raw (unencoded); encoding is part of signing.
struct SigV4Request: Sendable {
    var method: String
    /// The `Host` header as sent: `host` or `host:port` for a non-default port.
    var host: String
    /// `/`-separated raw path; each segment is percent-encoded once, as for every service but S3.
    var path: String
    /// In the order they are sent (signing sorts a copy).
    var query: [(name: String, value: String)]
    /// Headers to sign besides `host` (and the `x-amz-*` ones signing adds).
    var headers: [(name: String, value: String)]
    var payload: [UInt8]

    init(
        method: String, host: String, path: String = "/", query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [], payload: [UInt8] = []
    ) {
        self.method = method
        self.host = host
        self.path = path
        self.query = query
        self.headers = headers
        self.payload = payload
    }

    /// The path as sent and as signed.
    var encodedPath: String {
        path.isEmpty ? "/" : SigV4Encoding.encode(path, keepingSlashes: true)
    }

    /// `name=value&...` in the given order, each side encoded.
    static func queryString(_ pairs: [(name: String, value: String)]) -> String {
        pairs.map { "\(SigV4Encoding.encode($0.name))=\(SigV4Encoding.encode($0.value))" }.joined(separator: "&")
    }
}

/// The percent-encoding SigV4 requires: everything but RFC 3986's unreserved characters, upper-case hex.
enum SigV4Encoding {
    static func encode(_ text: String, keepingSlashes: Bool = false) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output = [UInt8]()
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                output.append(byte)
            case UInt8(ascii: "/") where keepingSlashes:
                output.append(byte)
            default:
                output += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0f)]]
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
