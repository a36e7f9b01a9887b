import Benchmark
import BenchmarkFixtures
import Controllers
import Foundation
import KubeAPI

// Decoding and endpoint computation on realistic node JSON. Foundation's JSONDecoder appears only here, as
// the yardstick for our jansson decoders.
let benchmarks: @Sendable () -> Void = {
    let nodeList = RealisticNode.listBytes(count: 1000)
    let watchStream = RealisticNode.watchStreamBytes(events: 10_000)
    let kib = { (bytes: [UInt8]) in "\(bytes.count / 1024) KiB" }

    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident], timeUnits: .milliseconds,
        warmupIterations: 2, maxDuration: .seconds(5), maxIterations: 50)

    Benchmark("NodeList 1000 (\(kib(nodeList))) -> ObjectList<NodeSummary>, jansson") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try JSONDocument.decode(ObjectList<NodeSummary>.self, from: nodeList))
        }
    }

    Benchmark("NodeList 1000 (\(kib(nodeList))) -> ObjectList<Node>, jansson") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try JSONDecoding.node(nodeList))
        }
    }

    Benchmark("NodeList 1000 (\(kib(nodeList))) -> NodeSummary mirror, Foundation JSONDecoder") { benchmark in
        let decoder = JSONDecoder()
        for _ in benchmark.scaledIterations {
            blackHole(try decoder.decode(CodableNodeList.self, from: Data(nodeList)))
        }
    }

    Benchmark("Watch stream 10000 events (\(kib(watchStream))) -> JSONStreamFramer + WatchEvent<NodeSummary>") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try JSONDecoding.watchEvents(watchStream))
        }
    }

    let summaries = (0..<5000).map { index in
        // The projection of a realistic node, as the informer holds it.
        (try? JSONDocument.decode(NodeSummary.self, from: JSONDocument.encode(RealisticNode.json(index, resourceVersion: index + 1))))
            ?? NodeSummary(metadata: ObjectMeta(name: RealisticNode.name(index)))
    }
    let service = Service(
        metadata: ObjectMeta(name: "svc", namespace: "bench", uid: "uid-svc"),
        spec: ServiceSpec(ports: [
            ServicePort(name: "http", protocol: "TCP", port: 80, targetPort: .int(30080)),
            ServicePort(name: "https", protocol: "TCP", port: 443, targetPort: .int(30443)),
        ]))
    Benchmark("NodeAddressSet of 5000 nodes + desiredEndpointSlices for one service") { benchmark in
        let settings = ControllerSettings()
        for _ in benchmark.scaledIterations {
            let addresses = NodeAddressSet(nodes: summaries, settings: settings)
            blackHole(desiredEndpointSlices(for: service, nodes: addresses, settings: settings))
        }
    }
}

enum JSONDecoding {
    static func node(_ bytes: [UInt8]) throws -> ObjectList<Node> {
        try JSONDocument.decode(ObjectList<Node>.self, from: bytes)
    }

    /// Feeds the stream in 16 KiB reads, as the transport delivers it, and decodes every frame.
    static func watchEvents(_ bytes: [UInt8]) throws -> Int {
        var framer = JSONStreamFramer()
        var decoded = 0
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + 16_384, bytes.count)
            framer.append(bytes[offset..<end])
            offset = end
            while let frame = try framer.nextFrame() {
                // As WatchStream does: decode the frame in place.
                let event: Result<WatchEvent<NodeSummary>, JSONDecodingError> = frame.withUnsafeBytes { bytes in
                    Result { () throws(JSONDecodingError) in try JSONDocument.decode(WatchEvent<NodeSummary>.self, from: bytes) }
                }
                blackHole(try event.get())
                decoded += 1
            }
        }
        return decoded
    }
}

/// The fields `NodeSummary` keeps, as a Codable struct: what a Foundation-based client would decode.
struct CodableNodeList: Decodable {
    struct ListMetadata: Decodable { var resourceVersion: String?; var `continue`: String? }
    struct Metadata: Decodable { var name: String; var uid: String?; var resourceVersion: String?; var labels: [String: String]? }
    struct Spec: Decodable { var unschedulable: Bool? }
    struct Address: Decodable { var type: String; var address: String }
    struct Condition: Decodable { var type: String; var status: String }
    struct Status: Decodable { var addresses: [Address]?; var conditions: [Condition]? }
    struct Item: Decodable { var metadata: Metadata; var spec: Spec?; var status: Status? }
    var metadata: ListMetadata
    var items: [Item]
}
