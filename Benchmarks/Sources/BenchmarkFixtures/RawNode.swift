import KubeAPI

/// A node kept as raw JSON, so benchmarks can create nodes with every field a kubelet reports (our `Node`
/// model keeps only what barrelman reads).
public struct RawNode: KubeResource {
    public static let resourceType = ResourceType.nodes
    public var metadata: ObjectMeta
    public var body: [String: JSONValue]

    public init(body: [String: JSONValue]) {
        self.body = body
        metadata = ObjectMeta(name: body["metadata"]?["name"]?.stringValue ?? "")
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        body = try JSONValue(json: json).objectValue ?? [:]
        metadata = try json.decode("metadata") ?? ObjectMeta()
    }

    public func toJSON() -> JSONValue { .object(body) }
}
