import KubeAPI

/// Plain-HTTP GETs of barrelman's status endpoints (`/healthz`, `/readyz`, `/metrics`).
struct StatusProbe {
    let port: Int
    let transport: HTTPTransport

    /// The status code and body, or nil when nothing answers (yet).
    func get(_ path: String) async -> (status: Int, body: String)? {
        do {
            let response = try await transport.send(
                HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)\(path)", timeout: .seconds(10)))
            return (response.status, String(decoding: response.body, as: UTF8.self))
        } catch {
            return nil
        }
    }
}
