/// metadata of a list response: where to resume a watch or the next page.
public struct ListMeta: Sendable, Hashable, JSONCodable {
    /// The version of the collection the list reflects; start a watch from here.
    public var resourceVersion: String?
    /// The token for the next page; nil on the last page.
    public var `continue`: String?
    /// How many items the remaining pages hold, when the server knows.
    public var remainingItemCount: Int64?

    public init(resourceVersion: String? = nil, continue: String? = nil, remainingItemCount: Int64? = nil) {
        self.resourceVersion = resourceVersion
        self.continue = `continue`
        self.remainingItemCount = remainingItemCount
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        resourceVersion = try json.decode("resourceVersion")
        `continue` = try json.decode("continue")
        remainingItemCount = try json.decode("remainingItemCount")
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("resourceVersion", resourceVersion)
        object.set("continue", `continue`)
        object.set("remainingItemCount", remainingItemCount)
        return object.value
    }
}
