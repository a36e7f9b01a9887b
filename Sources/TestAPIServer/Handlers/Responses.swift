/// Building HTTP responses the way kube-apiserver sends them.
enum Responses {
    static let jsonHeaders: [(name: String, value: String)] = [("Content-Type", "application/json")]

    static func json(_ status: Int, _ body: JSON) -> ServerResponse {
        ServerResponse(status: status, headers: jsonHeaders, body: .bytes(body.serialized() + [UInt8(ascii: "\n")]))
    }

    static func error(_ error: APIError) -> ServerResponse {
        ServerResponse(status: error.code, headers: jsonHeaders + error.headers, body: .bytes(error.status.serialized() + [UInt8(ascii: "\n")]))
    }

    static func text(_ status: Int, _ text: String) -> ServerResponse {
        ServerResponse(
            status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: .bytes(Array(text.utf8)))
    }

    /// A watch stream that carries only one ERROR event, e.g. 410 Expired.
    static func watchError(_ error: APIError) -> ServerResponse {
        let (stream, continuation) = AsyncStream.makeStream(of: ServerResponse.StreamChunk.self)
        continuation.yield(.data(WatchEncoding.line(.error, error.status)))
        continuation.finish()
        return ServerResponse(status: 200, headers: jsonHeaders, body: .stream(stream))
    }

    /// kube's Success Status for deletes of resources that do not return the object.
    static func deleteSuccess(_ resource: ResourceKind, _ object: JSON) -> JSON {
        [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success",
            "details": APIError.resourceDetails(resource, name: object.name, uid: object.uid),
        ]
    }
}
