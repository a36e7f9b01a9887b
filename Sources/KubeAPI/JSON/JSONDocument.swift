import CJansson

/// Parsing bytes into models and models into bytes, through jansson.
public enum JSONDocument {
    /// Parses one JSON value and hands its root to `body`; the parsed tree is freed when `body` returns.
    public static func withRoot<R>(
        of bytes: UnsafeRawBufferPointer,
        _ body: (JSONNode) throws(JSONDecodingError) -> R
    ) throws(JSONDecodingError) -> R {
        var error = json_error_t()
        guard let base = bytes.baseAddress,
            let root = json_loadb(base.assumingMemoryBound(to: CChar.self), bytes.count, Int(JSON_DECODE_ANY), &error)
        else {
            if bytes.isEmpty { throw JSONDecodingError("empty document") }
            throw JSONDecodingError(parseErrorMessage(error))
        }
        defer { json_decref(root) }
        return try body(JSONNode(root))
    }

    public static func decode<T: JSONDecodable>(
        _ type: T.Type, from bytes: UnsafeRawBufferPointer
    ) throws(JSONDecodingError) -> T {
        try withRoot(of: bytes) { (root) throws(JSONDecodingError) in try T(json: root) }
    }

    public static func decode<T: JSONDecodable>(_ type: T.Type, from bytes: [UInt8]) throws(JSONDecodingError) -> T {
        // withUnsafeBytes cannot forward a typed error, so it carries a Result out.
        let result: Result<T, JSONDecodingError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONDecodingError) in try decode(type, from: buffer) }
        }
        return try result.get()
    }

    public static func decode<T: JSONDecodable>(_ type: T.Type, from text: String) throws(JSONDecodingError) -> T {
        try decode(type, from: Array(text.utf8))
    }

    /// Compact JSON bytes for `value`.
    public static func encode(_ value: some JSONEncodable) -> [UInt8] {
        let tree = makeTree(value.toJSON())
        defer { json_decref(tree) }
        // One pass, appending as jansson writes: `json_dumpb` would need a second pass to learn the size first,
        // and serialising is most of an encode (a 16 KB EndpointSlice per node change write).
        var bytes: [UInt8] = []
        _ = withUnsafeMutablePointer(to: &bytes) { output in
            json_dump_callback(tree, { chunk, size, context in
                guard let chunk, let context else { return -1 }
                let output = context.assumingMemoryBound(to: [UInt8].self)
                chunk.withMemoryRebound(to: UInt8.self, capacity: size) {
                    output.pointee.append(contentsOf: UnsafeBufferPointer(start: $0, count: size))
                }
                return 0
            }, output, Int(JSON_COMPACT | JSON_ENCODE_ANY))
        }
        return bytes
    }

    public static func encodeString(_ value: some JSONEncodable) -> String {
        String(decoding: encode(value), as: UTF8.self)
    }

    // MARK: private

    /// The keys every Kubernetes object starts with, written first so that logs read naturally.
    private static let leadingKeys = ["apiVersion", "kind", "metadata"]

    private static func makeTree(_ value: JSONValue) -> UnsafeMutablePointer<json_t> {
        let node: UnsafeMutablePointer<json_t>?
        switch value {
        case .null: node = json_null()
        case .bool(let flag): node = flag ? json_true() : json_false()
        case .int(let number): node = json_integer(json_int_t(number))
        case .double(let number): node = number.isFinite ? json_real(number) : json_null()
        case .string(let text):
            var text = text
            node = text.withUTF8 { utf8 in
                utf8.withMemoryRebound(to: CChar.self) { json_stringn_nocheck($0.baseAddress, $0.count) }
            }
        case .array(let elements):
            let array = json_array()
            for element in elements { json_array_append_new(array, makeTree(element)) }
            node = array
        case .object(let members):
            let object = json_object()
            for key in leadingKeys {
                if let member = members[key] { json_object_set_new_nocheck(object, key, makeTree(member)) }
            }
            for key in members.keys.sorted() where !leadingKeys.contains(key) {
                if let member = members[key] { json_object_set_new_nocheck(object, key, makeTree(member)) }
            }
            node = object
        }
        // jansson returns nil only when malloc fails; there is nothing better to do than stop.
        guard let node else { preconditionFailure("jansson could not allocate a JSON value") }
        return node
    }

    private static func parseErrorMessage(_ error: json_error_t) -> String {
        var error = error
        let text = withUnsafeBytes(of: &error.text) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return "invalid JSON at line \(error.line), column \(error.column): \(text)"
    }
}
