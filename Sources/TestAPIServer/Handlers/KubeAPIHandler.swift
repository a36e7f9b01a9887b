/// Serves the Kubernetes API from an `APIServerState`: authentication, authorization, injected faults, then the
/// verb's semantics as kube-apiserver implements them.
public struct KubeAPIHandler: ServerRequestHandler {
    public let state: APIServerState

    public init(state: APIServerState) {
        self.state = state
    }

    public func handle(_ request: ServerRequest) async -> ServerResponse {
        let route = Route.parse(request.path)
        switch route {
        case .health:
            return DiscoveryHandler.respond(route)
        case .version where !request.presentsCredentials:
            // Anonymous requests may read /version (system:public-info-viewer); a refused credential gets 401.
            return DiscoveryHandler.respond(route)
        default:
            break
        }
        guard let user = state.authenticator.authenticate(request) else { return Responses.error(.unauthorized) }
        if case .selfSubjectAccessReviews = route { return SelfSubjectAccessReviews.respond(request, user: user) }
        var response = await handleAuthenticated(request, user: user, route: route)
        if state.configuration.priorityAndFairness {
            // kube-apiserver's APF filter runs right after authentication and labels every response it classified.
            response.headers += Self.priorityAndFairnessHeaders
        }
        return response
    }

    /// A flow schema and priority level as kube-apiserver's defaults name them (`workload-low`).
    static let priorityAndFairnessHeaders: [(name: String, value: String)] = [
        ("X-Kubernetes-PF-FlowSchema-UID", "3c5c5a3c-5b9f-4a5e-9b6e-9d1f4c0e7a01"),
        ("X-Kubernetes-PF-PriorityLevel-UID", "8f2d1f43-0c3e-4d1b-a8f4-5e2b7c9d6a02"),
    ]

    private func handleAuthenticated(_ request: ServerRequest, user: AuthenticatedUser, route: Route) async -> ServerResponse {
        guard case .resource(let target) = route else {
            if case .notFound = route { return Responses.error(.pathNotFound) }
            return DiscoveryHandler.respond(route)
        }
        let query = QueryParameters(request.query)
        guard let verb = Self.verb(request.method, target: target, query: query) else {
            return Responses.error(.methodNotAllowed)
        }
        let latency = state.faults.latency
        if latency > .zero { try? await Task.sleep(for: latency) }
        if let failure = state.faults.admit(verb: verb, resource: target.authorizationResource) {
            return Responses.error(Self.error(for: failure))
        }
        if let denial = Authorizer.check(user, verb: verb, target: target) { return Responses.error(denial) }
        guard let scheduler = state.writeScheduler, WriteCostModel.isWrite(verb) else {
            return await serveOrError(verb, target: target, query: query, request: request, turn: nil)
        }
        // Reserved with no suspension since `admit` counted the request: a counted write has its place.
        let turn = scheduler.reserve(verb: verb, bodyBytes: request.body.count)
        let response = await serveOrError(verb, target: target, query: query, request: request, turn: turn)
        await scheduler.respond(turn)
        return response
    }

    private func serveOrError(
        _ verb: String, target: ResourceTarget, query: QueryParameters, request: ServerRequest,
        turn: WriteScheduler.Reservation?
    ) async -> ServerResponse {
        do {
            return try await serve(verb, target: target, query: query, request: request, turn: turn)
        } catch {
            return Responses.error(error)
        }
    }

    static func verb(_ method: String, target: ResourceTarget, query: QueryParameters) -> String? {
        let hasName = target.name != nil
        switch method.uppercased() {
        case "GET", "HEAD":
            if hasName { return "get" }
            return query.bool("watch") == true ? "watch" : "list"
        case "POST": return hasName ? nil : "create"
        case "PUT": return hasName ? "update" : nil
        case "PATCH": return hasName ? "patch" : nil
        case "DELETE": return hasName ? "delete" : "deletecollection"
        default: return nil
        }
    }

    static func error(for failure: InjectedFailure) -> APIError {
        switch failure {
        case .tooManyRequests(let seconds): return .tooManyRequests(retryAfterSeconds: seconds)
        case .internalError: return .internalError("injected failure")
        case .serviceUnavailable: return .serviceUnavailable("the server is currently unable to handle the request")
        }
    }

    /// Serves one request; a write's store change happens in its `turn` when the write cost model is on.
    private func serve(
        _ verb: String, target: ResourceTarget, query: QueryParameters, request: ServerRequest,
        turn: WriteScheduler.Reservation?
    ) async throws(APIError) -> ServerResponse {
        let resource = target.resource
        let name = target.name ?? ""
        switch verb {
        case "get":
            let key = StorageKey.make(namespace: target.namespace, name: name)
            let stored = try state.withStore { $0.object(resource, key: key) }
            guard let object = stored else {
                throw .notFound(resource, name: name)
            }
            return Responses.json(200, object)
        case "list":
            let listRequest = try RequestOptions.list(target, query: query)
            return Responses.json(200, try state.withStore { (store: inout StoreState) throws(APIError) in try store.list(listRequest) })
        case "watch":
            return try WatchHandler.open(state: state, target: target, query: query)
        case "create":
            let dryRun = try RequestOptions.isDryRun(query)
            let body = try RequestOptions.body(request)
            let created = try await state.withStore(dryRun: dryRun, in: turn) { (store: inout StoreState) throws(APIError) in try store.create(resource, namespace: target.namespace, body: body) }
            return Responses.json(201, created)
        case "update":
            let dryRun = try RequestOptions.isDryRun(query)
            let body = try RequestOptions.body(request)
            let updated = try await state.withStore(dryRun: dryRun, in: turn) { store throws(APIError) -> JSON in
                if target.subresource == "finalize" {
                    return try store.finalizeUpdate(name: name, body: body)
                }
                return try store.update(
                    resource, namespace: target.namespace, name: name, body: body, subresource: target.subresource)
            }
            return Responses.json(200, updated)
        case "patch":
            let dryRun = try RequestOptions.isDryRun(query)
            let patch = try RequestOptions.patch(request, query: query)
            let result = try await state.withStore(dryRun: dryRun, in: turn) { (store: inout StoreState) throws(APIError) in try store.patch(resource, namespace: target.namespace, name: name, subresource: target.subresource, patch: patch)
            }
            return Responses.json(result.created ? 201 : 200, result.object)
        case "delete":
            let dryRun = try RequestOptions.isDryRun(query)
            let options = try RequestOptions.delete(request, query: query)
            let result = try await state.withStore(dryRun: dryRun, in: turn) { (store: inout StoreState) throws(APIError) in try store.delete(resource, namespace: target.namespace, name: name, options: options)
            }
            if result.removed && !resource.returnsDeletedObject {
                return Responses.json(200, Responses.deleteSuccess(resource, result.object))
            }
            return Responses.json(200, result.object)
        case "deletecollection":
            let dryRun = try RequestOptions.isDryRun(query)
            var listRequest = try RequestOptions.list(target, query: query)
            listRequest.limit = 0
            listRequest.continueToken = nil
            let options = try RequestOptions.delete(request, query: query)
            let deleted = try await state.withStore(dryRun: dryRun, in: turn) { store throws(APIError) -> JSON in
                var list = try store.list(listRequest)
                var items: [JSON] = []
                for item in list["items"]?.arrayValue ?? [] {
                    if let result = try? store.delete(resource, namespace: item.namespace, name: item.name, options: options) {
                        items.append(result.object.withoutTypeMeta)
                    }
                }
                list["items"] = .array(items)
                list[path: ["metadata", "resourceVersion"]] = .string(String(store.resourceVersion))
                return list
            }
            return Responses.json(200, deleted)
        default:
            throw .methodNotAllowed
        }
    }
}
