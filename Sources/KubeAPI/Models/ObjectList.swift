/// A list response (`ServiceList`, `NodeList`, ...): one page of items and where to go on from.
public struct ObjectList<Item: KubeResource>: Sendable, JSONCodable {
    public var metadata: ListMeta
    public var items: [Item]

    public init(metadata: ListMeta = ListMeta(), items: [Item] = []) {
        self.metadata = metadata
        self.items = items
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        metadata = try json.decode("metadata") ?? ListMeta()
        items = try json.decode("items") ?? []
    }

    public func toJSON() -> JSONValue {
        let type = Item.resourceType
        var object = JSONObjectBuilder(apiVersion: type.apiVersion, kind: type.kind + "List", metadata: metadata)
        // Like kube-apiserver, an empty list still says `items: []`.
        object.setAlways("items", .array(items.map { $0.toJSON() }))
        return object.value
    }
}

extension ObjectList: Equatable where Item: Equatable {}
extension ObjectList: Hashable where Item: Hashable {}
