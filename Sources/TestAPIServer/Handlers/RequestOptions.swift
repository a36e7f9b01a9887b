/// Parsing of query options and bodies into the store's requests, with kube's errors for bad input.
enum RequestOptions {
    /// The JSON body of a write; 400 BadRequest when it does not parse.
    static func body(_ request: ServerRequest) throws(APIError) -> JSON {
        guard !request.body.isEmpty else { throw .badRequest("the request body is empty; send the object as JSON") }
        do {
            return try JSON.parse(request.body)
        } catch {
            throw .badRequest("the body of the request could not be decoded as JSON: \(error.description)")
        }
    }

    /// Whether the write is a dry run (`dryRun=All`); other values are rejected like kube does.
    static func isDryRun(_ query: QueryParameters) throws(APIError) -> Bool {
        guard let value = query["dryRun"], !value.isEmpty else { return false }
        guard value == "All" else {
            throw .invalidOptions("CreateOptions", [.notSupported("dryRun", .string(value), supported: ["All"])])
        }
        return true
    }

    static func list(_ target: ResourceTarget, query: QueryParameters) throws(APIError) -> ListRequest {
        var request = ListRequest(resource: target.resource, namespace: target.namespace)
        request.labelSelector = try labelSelector(query)
        request.fieldSelector = try fieldSelector(query, resource: target.resource)
        if let limit = query["limit"], !limit.isEmpty {
            guard let value = Int(limit), value >= 0 else { throw .badRequest("invalid limit: \(limit)") }
            request.limit = value
        }
        request.continueToken = query["continue"].flatMap { $0.isEmpty ? nil : $0 }
        request.resourceVersion = query["resourceVersion"]
        request.resourceVersionMatch = query["resourceVersionMatch"].flatMap { $0.isEmpty ? nil : $0 }
        if let match = request.resourceVersionMatch {
            guard ["Exact", "NotOlderThan"].contains(match) else {
                throw .invalidOptions(
                    "ListOptions", [.notSupported("resourceVersionMatch", .string(match), supported: ["Exact", "NotOlderThan"])])
            }
            if (request.resourceVersion ?? "").isEmpty {
                throw .invalidOptions(
                    "ListOptions", [.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided")])
            }
        }
        return request
    }

    static func watch(_ target: ResourceTarget, query: QueryParameters, defaultTimeout: Duration) throws(APIError)
        -> WatchRequest
    {
        let sendInitialEvents = query.bool("sendInitialEvents")
        let allowBookmarks = query.bool("allowWatchBookmarks") ?? false
        let match = query["resourceVersionMatch"].flatMap { $0.isEmpty ? nil : $0 }
        if sendInitialEvents != nil {
            var errors: [FieldError] = []
            if match != "NotOlderThan" {
                errors.append(
                    .forbidden("resourceVersionMatch", "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"))
            }
            if sendInitialEvents == true && !allowBookmarks {
                errors.append(.forbidden("allowWatchBookmarks", "sendInitialEvents requires setting allowWatchBookmarks to true"))
            }
            if !errors.isEmpty { throw .invalidOptions("ListOptions", errors) }
        } else if match != nil {
            throw .invalidOptions(
                "ListOptions",
                [.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided")])
        }
        var timeout = defaultTimeout
        if let text = query["timeoutSeconds"], !text.isEmpty {
            guard let seconds = Int(text), seconds >= 0 else { throw .badRequest("invalid timeoutSeconds: \(text)") }
            if seconds > 0 { timeout = .seconds(seconds) }
        }
        return WatchRequest(
            resource: target.resource, namespace: target.namespace, labelSelector: try labelSelector(query),
            fieldSelector: try fieldSelector(query, resource: target.resource),
            resourceVersion: query["resourceVersion"], sendInitialEvents: sendInitialEvents,
            allowBookmarks: allowBookmarks, timeout: timeout)
    }

    private static func labelSelector(_ query: QueryParameters) throws(APIError) -> LabelSelector {
        guard let text = query["labelSelector"], !text.isEmpty else { return .everything }
        do {
            return try LabelSelector.parse(text)
        } catch {
            throw .badRequest("unable to parse requirement: \(error.message)")
        }
    }

    private static func fieldSelector(_ query: QueryParameters, resource: ResourceKind) throws(APIError) -> FieldSelector {
        guard let text = query["fieldSelector"], !text.isEmpty else { return .everything }
        do {
            return try FieldSelector.parse(text, for: resource)
        } catch {
            throw .badRequest(error.message)
        }
    }

    static func patch(_ request: ServerRequest, query: QueryParameters) throws(APIError) -> PatchRequest {
        let contentType = (request.header("Content-Type") ?? "").split(separator: ";").first.map {
            String($0).trimmingSpaces().lowercased()
        } ?? ""
        let force = query.bool("force")
        let fieldManager = query["fieldManager"] ?? ""
        if contentType == "application/apply-patch+yaml" {
            guard !fieldManager.isEmpty else {
                throw .invalidOptions("PatchOptions", [.required("fieldManager", "is required for apply patch")])
            }
            return .apply(try body(request), fieldManager: fieldManager, force: force ?? false)
        }
        if force != nil {
            throw .invalidOptions("PatchOptions", [.forbidden("force", "may not be specified for non-apply patch")])
        }
        switch contentType {
        case "application/merge-patch+json", "application/strategic-merge-patch+json":
            return .merge(try body(request))
        case "application/json-patch+json":
            return .jsonPatch(try body(request))
        default:
            throw .unsupportedMediaType(contentType)
        }
    }

    /// DeleteOptions from the body (if any) and the query (`propagationPolicy`, `orphanDependents`).
    static func delete(_ request: ServerRequest, query: QueryParameters) throws(APIError) -> DeleteOptions {
        var options = DeleteOptions()
        var policy = query["propagationPolicy"]
        var orphan = query.bool("orphanDependents")
        if !request.body.isEmpty {
            let json = try body(request)
            options.preconditionUID = json[path: ["preconditions", "uid"]]?.stringValue
            options.preconditionResourceVersion = json[path: ["preconditions", "resourceVersion"]]?.stringValue
            policy = json["propagationPolicy"]?.stringValue ?? policy
            orphan = json["orphanDependents"]?.boolValue ?? orphan
        }
        if let policy, !policy.isEmpty {
            guard let parsed = PropagationPolicy(rawValue: policy) else {
                throw .invalidOptions(
                    "DeleteOptions",
                    [.notSupported("propagationPolicy", .string(policy), supported: ["Foreground", "Background", "Orphan"])])
            }
            if orphan != nil {
                throw .invalidOptions(
                    "DeleteOptions", [.forbidden("propagationPolicy", "orphanDependents and deletionPropagation cannot be both set")])
            }
            options.propagationPolicy = parsed
        } else if let orphan {
            options.propagationPolicy = orphan ? .orphan : .background
        }
        return options
    }
}
