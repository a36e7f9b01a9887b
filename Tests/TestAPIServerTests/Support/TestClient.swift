import Foundation
import Synchronization
import TestAPIServer

/// A response as the tests read it.
struct Reply: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    var json: JSON { (try? JSON.parse(body)) ?? .null }
    var text: String { String(decoding: body, as: UTF8.self) }
    var message: String { json["message"]?.stringValue ?? "" }
    var reason: String { json["reason"]?.stringValue ?? "" }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// Calls the handler directly, as the HTTPS layer would.
struct TestClient: Sendable {
    static let adminToken = "admin-token"

    let state: APIServerState
    let handler: KubeAPIHandler
    var token: String? = TestClient.adminToken

    init(configuration: StoreConfiguration = StoreConfiguration()) {
        state = APIServerState(configuration: configuration)
        state.authenticator.addUser(token: TestClient.adminToken, name: "admin")
        handler = KubeAPIHandler(state: state)
    }

    func with(token: String?) -> TestClient {
        var copy = self
        copy.token = token
        return copy
    }

    func request(
        _ method: String, _ path: String, query: String = "", body: JSON? = nil, rawBody: [UInt8]? = nil,
        contentType: String = "application/json", headers extra: [(name: String, value: String)] = [],
        clientCertificate: ClientCertificateSubject? = nil
    ) async -> ServerResponse {
        var headers = extra
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        let bytes = rawBody ?? body?.serialized() ?? []
        if !bytes.isEmpty { headers.append(("Content-Type", contentType)) }
        return await handler.handle(
            ServerRequest(
                method: method, path: path, query: query, headers: headers, body: bytes,
                clientCertificate: clientCertificate))
    }

    /// A non-streaming request's reply.
    func call(
        _ method: String, _ path: String, query: String = "", body: JSON? = nil, rawBody: [UInt8]? = nil,
        contentType: String = "application/json", headers: [(name: String, value: String)] = [],
        clientCertificate: ClientCertificateSubject? = nil
    ) async -> Reply {
        let response = await request(
            method, path, query: query, body: body, rawBody: rawBody, contentType: contentType, headers: headers,
            clientCertificate: clientCertificate)
        switch response.body {
        case .bytes(let bytes):
            return Reply(status: response.status, headers: response.headers, body: bytes)
        case .stream(let stream):
            var collected: [UInt8] = []
            for await chunk in stream {
                if case .data(let bytes) = chunk { collected += bytes }
            }
            return Reply(status: response.status, headers: response.headers, body: collected)
        }
    }

    func get(_ path: String, query: String = "") async -> Reply { await call("GET", path, query: query) }
    func post(_ path: String, _ body: JSON) async -> Reply { await call("POST", path, body: body) }
    func put(_ path: String, _ body: JSON) async -> Reply { await call("PUT", path, body: body) }
    func delete(_ path: String, _ body: JSON? = nil, query: String = "") async -> Reply {
        await call("DELETE", path, query: query, body: body)
    }
    func patch(_ path: String, _ body: JSON, type: String, query: String = "") async -> Reply {
        await call("PATCH", path, query: query, body: body, contentType: type)
    }

    /// Opens a watch and records its events in the background.
    func watch(_ path: String, query: String) async -> WatchRecorder {
        let response = await request("GET", path, query: query.isEmpty ? "watch=true" : "watch=true&\(query)")
        return WatchRecorder(response)
    }
}

/// Test objects.
enum Fixtures {
    static func service(
        _ name: String, namespace: String = "default", type: String? = nil, ports: [JSON] = [["port": 80]],
        labels: [String: String] = [:]
    ) -> JSON {
        var service: JSON = [
            "apiVersion": "v1", "kind": "Service",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "spec": ["ports": .array(ports)],
        ]
        if let type { service[path: ["spec", "type"]] = .string(type) }
        if !labels.isEmpty { service[path: ["metadata", "labels"]] = .object(labels.mapValues(JSON.string)) }
        return service
    }

    static func configMapLike(lease name: String, namespace: String = "default", labels: [String: String] = [:]) -> JSON {
        var lease: JSON = [
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "spec": ["holderIdentity": "a"],
        ]
        if !labels.isEmpty { lease[path: ["metadata", "labels"]] = .object(labels.mapValues(JSON.string)) }
        return lease
    }

    static func namespace(_ name: String) -> JSON {
        ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]]
    }
}

/// Collects a watch stream's events as they arrive.
final class WatchRecorder: Sendable {
    struct Event: Sendable {
        var type: String
        var object: JSON
        var name: String { object[path: ["metadata", "name"]]?.stringValue ?? "" }
        var resourceVersion: String { object[path: ["metadata", "resourceVersion"]]?.stringValue ?? "" }
    }

    enum Ending: Sendable, Equatable { case open, finished, aborted }

    private struct State {
        var events: [Event] = []
        var ending: Ending = .open
        var buffer: [UInt8] = []
    }

    let status: Int
    private let state = Mutex(State())
    private let task: Mutex<Task<Void, Never>?> = Mutex(nil)

    init(_ response: ServerResponse) {
        status = response.status
        switch response.body {
        case .bytes(let bytes):
            state.withLock {
                $0.buffer = bytes
                $0.ending = .finished
            }
            drainLines()
        case .stream(let stream):
            let reader = Task { [self] in
                for await chunk in stream {
                    switch chunk {
                    case .data(let bytes):
                        state.withLock { $0.buffer += bytes }
                        drainLines()
                    case .abort:
                        state.withLock { $0.ending = .aborted }
                    }
                }
                state.withLock { if $0.ending == .open { $0.ending = .finished } }
            }
            task.withLock { $0 = reader }
        }
    }

    private func drainLines() {
        state.withLock { state in
            while let newline = state.buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(state.buffer[..<newline])
                state.buffer.removeFirst(newline + 1)
                if let json = try? JSON.parse(line) {
                    state.events.append(Event(type: json["type"]?.stringValue ?? "", object: json["object"] ?? .null))
                }
            }
        }
    }

    var events: [Event] { state.withLock { $0.events } }
    var ending: Ending { state.withLock { $0.ending } }

    /// Waits (bounded) until at least `count` events arrived; returns all so far.
    @discardableResult
    func waitForEvents(_ count: Int, timeout: Duration = .seconds(20)) async -> [Event] {
        let deadline = ContinuousClock.now + timeout
        while events.count < count && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        return events
    }

    /// Waits (bounded) until the stream ends.
    @discardableResult
    func waitForEnd(timeout: Duration = .seconds(20)) async -> Ending {
        let deadline = ContinuousClock.now + timeout
        while ending == .open && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        return ending
    }

    /// Stops reading, as a client that goes away.
    func cancel() {
        task.withLock { $0?.cancel() }
    }
}
