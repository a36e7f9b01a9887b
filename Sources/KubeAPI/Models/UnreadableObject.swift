/// An object the server sent that barrelman's models cannot read (a field of an unexpected type, say),
/// known only by its metadata. Lists and watches report such objects instead of failing whole: one odd
/// object must not stop a cache from following every other object.
public struct UnreadableObject: Sendable, Hashable {
    public var metadata: ObjectMeta
    /// Why it could not be read, with the path of the offending field.
    public var reason: String

    public init(metadata: ObjectMeta, reason: String) {
        self.metadata = metadata
        self.reason = reason
    }

    /// The object's metadata when `object` has a readable `metadata.name`, else nil (then nothing about it is known).
    static func identify(_ object: JSONNode, error: JSONDecodingError) -> UnreadableObject? {
        guard let metadataNode = object["metadata"], let metadata = try? ObjectMeta(json: metadataNode),
            !metadata.name.isEmpty
        else { return nil }
        return UnreadableObject(metadata: metadata, reason: "\(error)")
    }

    /// `namespace/name` as the cache keys it.
    public var key: ObjectKey { ObjectKey(namespace: metadata.namespace, name: metadata.name) }
}
