/// The parsed options of a list request.
struct ListRequest: Sendable {
    var resource: ResourceKind
    var namespace: String?
    var labelSelector: LabelSelector = .everything
    var fieldSelector: FieldSelector = .everything
    var limit: Int = 0
    var continueToken: String?
    var resourceVersion: String?
    var resourceVersionMatch: String?
}

extension StoreState {
    /// A list response following API Concepts: consistent pages via continue tokens, resourceVersion semantics.
    func list(_ request: ListRequest) throws(APIError) -> JSON {
        let resource = request.resource
        var revision = resourceVersion
        var start = ""
        if let token = request.continueToken, !token.isEmpty {
            if let version = request.resourceVersion, !version.isEmpty {
                throw .badRequest("specifying resource version is not allowed when using continue")
            }
            let decoded = try ContinueToken.decode(token)
            guard decoded.resourceVersion >= compactedRevision else { throw .continueExpired }
            revision = decoded.resourceVersion
            start = decoded.start
        } else if let version = request.resourceVersion, !version.isEmpty {
            guard let requested = Int64(version) else {
                throw .badRequest("invalid resource version: \(version)")
            }
            if request.resourceVersionMatch == "Exact" {
                guard requested != 0 else {
                    throw .invalidOptions(
                        "ListOptions",
                        [.forbidden("resourceVersionMatch", "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"")])
                }
                if requested > resourceVersion {
                    throw APIError(
                        code: 504, reason: "Timeout",
                        message: "Too large resource version: \(requested), current: \(resourceVersion)",
                        details: ["causes": [["reason": "ResourceVersionTooLarge", "message": "Too large resource version"]], "retryAfterSeconds": 1])
                }
                revision = requested
            }
        }
        let entries: [String: JSON]
        if revision == resourceVersion {
            entries = objects[resource] ?? [:]
        } else {
            guard let snapshot = snapshot(resource, at: revision) else {
                if request.continueToken != nil { throw .continueExpired }
                throw .expired("too old resource version: \(revision) (\(compactedRevision + 1))")
            }
            entries = snapshot
        }
        let matching = entries.filter { _, object in
            if let namespace = request.namespace, object.namespace != namespace { return false }
            return request.labelSelector.matches(object.labels) && request.fieldSelector.matches(object)
        }
        .filter { $0.key >= start }
        .sorted { $0.key < $1.key }

        var metadata: JSON = ["resourceVersion": .string(String(revision))]
        var page = matching
        if request.limit > 0 && matching.count > request.limit {
            page = Array(matching.prefix(request.limit))
            let lastKey = page.last?.key ?? ""
            metadata["continue"] = .string(ContinueToken(resourceVersion: revision, start: lastKey + "\u{0}").encoded())
            // etcd counts the rest only for unfiltered lists, so kube omits the count when selectors filter.
            if request.labelSelector.isEmpty && request.fieldSelector.isEmpty {
                metadata["remainingItemCount"] = .int(Int64(matching.count - request.limit))
            }
        }
        return [
            "kind": .string(resource.listKind), "apiVersion": .string(resource.apiVersion), "metadata": metadata,
            "items": .array(page.map { $0.value.withoutTypeMeta }),
        ]
    }
}
