/// A list response (`ServiceList`, `NodeList`, ...): one page of items and where to go on from.
public struct ObjectList<Item: KubeResource>: Sendable, JSONCodable {
    public var metadata: ListMeta
    public var items: [Item]
    /// Items with readable metadata that `Item` cannot read; they are not in `items`. An item without
    /// even readable metadata fails the whole list.
    public var unreadableItems: [UnreadableObject] = []

    public init(metadata: ListMeta = ListMeta(), items: [Item] = []) {
        self.metadata = metadata
        self.items = items
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        metadata = try json.decode("metadata") ?? ListMeta()
        guard let itemsNode = json["items"] else {
            items = []
            return
        }
        var items: [Item] = []
        var unreadable: [UnreadableObject] = []
        items.reserveCapacity(itemsNode.count)
        do throws(JSONDecodingError) {
            try itemsNode.forEachElement { (_, element) throws(JSONDecodingError) in
                do throws(JSONDecodingError) {
                    items.append(try Item(json: element))
                } catch {
                    guard let identified = UnreadableObject.identify(element, error: error) else { throw error }
                    unreadable.append(identified)
                }
            }
        } catch {
            throw error.under("items")
        }
        self.items = items
        self.unreadableItems = unreadable
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
