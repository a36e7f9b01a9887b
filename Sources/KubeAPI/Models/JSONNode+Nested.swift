extension JSONNode {
    /// Runs `body` on the member `key` (nil when it is absent or null), so that hand-written decoders
    /// report errors with the key in their path, like `decode(_:)` does.
    func withMember<T>(
        _ key: String, _ body: (JSONNode) throws(JSONDecodingError) -> T
    ) throws(JSONDecodingError) -> T? {
        guard let member = self[key] else { return nil }
        do {
            return try body(member)
        } catch {
            throw error.under(key)
        }
    }

    /// Throws unless this node is an object; for decoders that only look members up by key.
    func requireObject() throws(JSONDecodingError) {
        guard kind == .object else { throw JSONDecodingError("expected an object, found \(kind)") }
    }
}
