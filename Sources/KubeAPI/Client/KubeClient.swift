import Logging

/// A typed client for one cluster: the verbs of the Kubernetes API over `HTTPTransport`.
///
/// Every call goes through one pipeline (`perform`): client-side rate limit, credentials (refreshed once
/// on 401), the request, retries the server asks for (429, or 5xx with Retry-After), and the mapping of
/// error responses to `KubeError` carrying the server's `Status`.
public final class KubeClient: Sendable {
    public let config: ClusterConfig
    public let options: KubeClientOptions
    let transport: HTTPTransport
    let rateLimiter: ClientRateLimiter
    let logger: Logger

    public init(
        config: ClusterConfig, options: KubeClientOptions = KubeClientOptions(), transport: HTTPTransport,
        logger: Logger = Logger(label: "barrelman.kubeapi")
    ) {
        self.config = config
        self.options = options
        self.transport = transport
        self.rateLimiter = ClientRateLimiter(
            qps: options.qps, burst: options.burst, yieldsToPriorityAndFairness: options.yieldsToPriorityAndFairness)
        var logger = logger
        logger[metadataKey: "cluster"] = "\(config.displayName)"
        self.logger = logger
    }

    /// True when no client-side limit applies: `qps` 0, or the server showed API Priority and Fairness.
    public var isPacedByServer: Bool { rateLimiter.isPacedByServer }

    // MARK: reads

    public func get<R: KubeResource>(
        _ type: R.Type, name: String, namespace: String? = nil
    ) async throws(KubeError) -> R {
        let path = R.resourceType.objectPath(namespace: namespace, name: name)
        let response = try await perform(APICall(verb: "get", method: "GET", resource: R.resourceType, path: path))
        return try decode(R.self, from: response, what: "\(R.resourceType) \"\(name)\"")
    }

    /// One page of a list. Follow `metadata.continue` for the next, or use `listAll`.
    public func list<R: KubeResource>(
        _ type: R.Type, namespace: String? = nil, options: ListOptions = ListOptions()
    ) async throws(KubeError) -> ObjectList<R> {
        let path = R.resourceType.collectionPath(namespace: namespace)
        let call = APICall(verb: "list", method: "GET", resource: R.resourceType, path: path, query: options.queryItems)
        let response = try await perform(call)
        return try decode(ObjectList<R>.self, from: response, what: "\(R.resourceType) list")
    }

    /// Every page of a list, read with `pageSize` items per request. The result's resourceVersion is the
    /// snapshot all pages were served from, from which a watch can continue. `transform` is applied to the
    /// items of each page as it arrives, so a caller keeping a projection never holds every full item at once.
    public func listAll<R: KubeResource>(
        _ type: R.Type, namespace: String? = nil, options: ListOptions = ListOptions(), pageSize: Int = 500,
        transform: ((R) -> R)? = nil
    ) async throws(KubeError) -> ObjectList<R> {
        var pageOptions = options
        pageOptions.limit = pageSize
        var result = try await list(R.self, namespace: namespace, options: pageOptions)
        if let transform { result.items = result.items.map(transform) }
        while let token = result.metadata.continue, !token.isEmpty {
            pageOptions.continueToken = token
            // Pages after the first are served from the first page's snapshot; the RV must not be repeated.
            pageOptions.resourceVersion = nil
            pageOptions.resourceVersionMatch = nil
            let page = try await list(R.self, namespace: namespace, options: pageOptions)
            result.items.append(contentsOf: transform.map { page.items.map($0) } ?? page.items)
            result.unreadableItems.append(contentsOf: page.unreadableItems)
            result.metadata.continue = page.metadata.continue
            if let version = page.metadata.resourceVersion { result.metadata.resourceVersion = version }
        }
        result.metadata.remainingItemCount = nil
        return result
    }

    /// Opens a watch. The returned stream yields events until the server ends the watch (nil) or the
    /// connection breaks (throws); an expired resourceVersion arrives as an `.error` event with code 410.
    public func watch<R: KubeResource>(
        _ type: R.Type, namespace: String? = nil, options: WatchOptions = WatchOptions()
    ) async throws(KubeError) -> WatchStream<R> {
        let path = R.resourceType.collectionPath(namespace: namespace)
        let call = APICall(
            verb: "watch", method: "GET", resource: R.resourceType, path: path, query: options.queryItems,
            streaming: true)
        let body = try await performStreaming(call)
        return WatchStream(body: body)
    }

    // MARK: writes

    /// Creates `object` in its `metadata.namespace` (or `namespace`, when given).
    public func create<R: KubeResource>(_ object: R, namespace: String? = nil) async throws(KubeError) -> R {
        try decode(R.self, from: try await perform(createCall(object, namespace: namespace)), what: "created \(R.resourceType)")
    }

    /// Replaces `object`. With `metadata.resourceVersion` set, a concurrent change makes this fail with `.conflict`.
    public func update<R: KubeResource>(_ object: R, subresource: String? = nil) async throws(KubeError) -> R {
        try decode(R.self, from: try await perform(updateCall(object, subresource: subresource)), what: "updated \(R.resourceType)")
    }

    /// `create` for callers that do not need the stored object back: the response body is not decoded,
    /// which halves the JSON work of writing a large object.
    public func createIgnoringResponse<R: KubeResource>(_ object: R, namespace: String? = nil) async throws(KubeError) {
        _ = try await perform(createCall(object, namespace: namespace))
    }

    /// `update` for callers that do not need the stored object back (the informer will bring it).
    public func updateIgnoringResponse<R: KubeResource>(_ object: R, subresource: String? = nil) async throws(KubeError) {
        _ = try await perform(updateCall(object, subresource: subresource))
    }

    private func createCall<R: KubeResource>(_ object: R, namespace: String?) -> APICall {
        let path = R.resourceType.collectionPath(namespace: namespace ?? object.metadata.namespace)
        return APICall(verb: "create", method: "POST", resource: R.resourceType, path: path, body: encodeObject(object))
    }

    private func updateCall<R: KubeResource>(_ object: R, subresource: String?) -> APICall {
        let path = R.resourceType.objectPath(
            namespace: object.metadata.namespace, name: object.metadata.name, subresource: subresource)
        return APICall(verb: "update", method: "PUT", resource: R.resourceType, path: path, body: encodeObject(object))
    }

    public func patch<R: KubeResource>(
        _ type: R.Type, name: String, namespace: String? = nil, patch: Patch, subresource: String? = nil
    ) async throws(KubeError) -> R {
        let path = R.resourceType.objectPath(namespace: namespace, name: name, subresource: subresource)
        var call = APICall(
            verb: "patch", method: "PATCH", resource: R.resourceType, path: path, query: patch.queryItems,
            body: patch.body)
        call.contentType = patch.contentType
        return try decode(R.self, from: try await perform(call), what: "patched \(R.resourceType)")
    }

    /// Deletes an object. Succeeds when the object is gone or marked for deletion (finalizers pending).
    public func delete<R: KubeResource>(
        _ type: R.Type, name: String, namespace: String? = nil, options: DeleteOptions = DeleteOptions()
    ) async throws(KubeError) {
        let path = R.resourceType.objectPath(namespace: namespace, name: name)
        let body = options.isEmpty ? nil : JSONDocument.encode(options.toJSON())
        _ = try await perform(APICall(verb: "delete", method: "DELETE", resource: R.resourceType, path: path, body: body))
    }

    // MARK: encoding and decoding

    private func encodeObject<R: KubeResource>(_ object: R) -> [UInt8] {
        guard StageTrace.isOn else { return JSONDocument.encode(object) }
        let start = StageTrace.now()
        defer { StageTrace.write(["encode", R.resourceType.description, String(start), String(StageTrace.now() - start)]) }
        return JSONDocument.encode(object)
    }

    func decode<T: JSONDecodable>(_ type: T.Type, from response: HTTPResponse, what: String) throws(KubeError) -> T {
        let start = StageTrace.isOn ? StageTrace.now() : 0
        defer {
            if StageTrace.isOn { StageTrace.write(["decode", what, String(start), String(StageTrace.now() - start)]) }
        }
        do {
            return try JSONDocument.decode(T.self, from: response.body)
        } catch {
            throw .decoding(error, what: what)
        }
    }
}

/// How a client talks to its cluster.
public struct KubeClientOptions: Sendable {
    /// Client-side rate limit; 0 turns it off and leaves pacing to the server's API Priority and Fairness.
    public var qps: Double
    public var burst: Int
    /// Stop limiting client-side once the server shows it runs API Priority and Fairness (it then paces
    /// every client fairly with 429 and Retry-After, and a client-side bucket would only slow us down).
    public var yieldsToPriorityAndFairness: Bool
    /// Limit for one non-watch request.
    public var requestTimeout: Duration
    /// How often a request the server refused with 429 (or 5xx with Retry-After) is sent again.
    public var maxRetries: Int
    /// The longest Retry-After honoured; a larger hint is shortened to this.
    public var maxRetryAfter: Duration
    public var userAgent: String
    /// Told about every request, for metrics.
    public var observer: (any RequestObserver)?

    public init(
        qps: Double = 50, burst: Int = 100, yieldsToPriorityAndFairness: Bool = false, requestTimeout: Duration = .seconds(60), maxRetries: Int = 10,
        maxRetryAfter: Duration = .seconds(300), userAgent: String = "barrelman", observer: (any RequestObserver)? = nil
    ) {
        self.qps = qps
        self.burst = burst
        self.yieldsToPriorityAndFairness = yieldsToPriorityAndFairness
        self.requestTimeout = requestTimeout
        self.maxRetries = maxRetries
        self.maxRetryAfter = maxRetryAfter
        self.userAgent = userAgent
        self.observer = observer
    }
}

/// Receives one record per HTTP exchange (retries count separately), for request metrics.
public protocol RequestObserver: Sendable {
    /// `code` is nil when no response arrived.
    func requestCompleted(cluster: String, verb: String, resource: String, code: Int?, duration: Duration)
}
