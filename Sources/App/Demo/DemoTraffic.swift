import KubeAPI
import Synchronization

/// Requests as local pods would send them to a mirrored service: kube-proxy picks one of the mirror's ready
/// endpoints (round robin here) and connects to that node's port. The connection goes through the demo's node
/// network, so "node address:port" is a loopback listener that answers with the node's name.
final class DemoTraffic: Sendable {
    private let local: KubeClient
    private let network: DemoNodeNetwork
    private let transport: HTTPTransport
    private let next = Mutex(0)

    init(local: KubeClient, network: DemoNodeNetwork, transport: HTTPTransport) {
        self.local = local
        self.network = network
        self.transport = transport
    }

    /// The ready endpoints (address, port) of the mirror `namespace/service`, from its EndpointSlices.
    func readyEndpoints(_ namespace: String, _ service: String) async throws -> [(address: String, port: Int)] {
        let slices = try await local.list(
            EndpointSlice.self, namespace: namespace,
            options: ListOptions(labelSelector: "\(EndpointSlice.serviceNameLabel)=\(service)"))
        return slices.items.flatMap { slice -> [(address: String, port: Int)] in
            guard let port = slice.ports.first?.port else { return [] }
            return slice.endpoints.filter { $0.conditions.ready == true }.flatMap(\.addresses).map { ($0, Int(port)) }
        }.sorted { $0.address < $1.address }
    }

    /// Sends `count` requests to the mirror, one new connection each; per request, who answered (the node's
    /// name) or why nobody did.
    func send(_ count: Int, to namespace: String, _ service: String) async throws -> [String] {
        let endpoints = try await readyEndpoints(namespace, service)
        guard !endpoints.isEmpty else { return Array(repeating: "no ready endpoint", count: count) }
        var answers: [String] = []
        for _ in 0..<count {
            let pick = next.withLock { index in
                defer { index += 1 }
                return endpoints[index % endpoints.count]
            }
            answers.append(await request(address: pick.address, port: pick.port))
        }
        return answers
    }

    private func request(address: String, port: Int) async -> String {
        guard case .connect(let host, let target) = network.route(address: address, port: port) else {
            return "\(address): refused"
        }
        let request = HTTPRequest(
            method: "GET", url: "http://\(host):\(target)/", timeout: .seconds(1), connectionUse: .probe)
        do {
            let response = try await transport.send(request)
            let name = String(decoding: response.body, as: UTF8.self).split(whereSeparator: \.isNewline).first
            return name.map(String.init) ?? "\(address): empty answer"
        } catch {
            return "\(address): \(error)"
        }
    }
}
