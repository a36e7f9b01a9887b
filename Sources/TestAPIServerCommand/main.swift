import AppSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KubeAPI
import TestAPIServer

// `test-apiserver --kubeconfig PATH [--service-cidr CIDR] [--seed-nodes] [--seed-nodes-prefix A.B.C]`: one
// long-lived in-process kube-apiserver, for rehearsing the real-cluster end-to-end runs (`scripts/e2e-rehearsal`):
// it writes an admin kubeconfig to PATH, prints one line when it serves, and runs until it is killed.
// `--seed-nodes-prefix` seeds the nodes at A.B.C.1 to .3 instead of 10.0.0.x, so that two remotes (the
// many-remote tests' second one) have nodes of their own addresses.

func fail(_ message: String) -> Never {
    StandardStreams.error(line: "test-apiserver: \(message)")
    exit(2)
}

var arguments = CommandLine.arguments.dropFirst()
var kubeconfigPath: String?
var options = TestAPIServer.Options()
var seedNodes = false
var seedNodesPrefix = "10.0.0"
let usage = "use --kubeconfig PATH [--service-cidr CIDR] [--seed-nodes] [--seed-nodes-prefix A.B.C]"
while let argument = arguments.popFirst() {
    switch argument {
    case "--kubeconfig":
        guard let value = arguments.popFirst() else { fail("--kubeconfig needs a path") }
        kubeconfigPath = value
    case "--service-cidr":
        guard let value = arguments.popFirst() else { fail("--service-cidr needs a CIDR such as 10.112.0.0/16") }
        options.store.serviceCIDR = value
    case "--seed-nodes":
        seedNodes = true
    case "--seed-nodes-prefix":
        let octets = arguments.popFirst()?.split(separator: ".", omittingEmptySubsequences: false) ?? []
        guard octets.count == 3, octets.allSatisfy({ UInt8($0) != nil }) else {
            fail("--seed-nodes-prefix needs the first three octets of an IPv4 address, such as 10.0.1")
        }
        seedNodes = true
        seedNodesPrefix = octets.joined(separator: ".")
    case "--help", "-h":
        print("test-apiserver: \(usage)")
        exit(0)
    default:
        fail("unknown argument \(argument) (\(usage))")
    }
}
guard let kubeconfigPath else { fail("--kubeconfig PATH is required: where to write the admin kubeconfig") }

let server = try await TestAPIServer.start(options: options)
let kubeconfig = """
    apiVersion: v1
    kind: Config
    clusters:
    - name: test
      cluster:
        server: \(server.url)
        certificate-authority-data: \(Data(server.certificateAuthorityPEM).base64EncodedString())
    users:
    - name: admin
      user:
        token: \(server.adminToken)
    contexts:
    - name: admin
      context:
        cluster: test
        user: admin
    current-context: admin

    """
do {
    try kubeconfig.write(toFile: kubeconfigPath, atomically: true, encoding: .utf8)
} catch {
    fail("cannot write \(kubeconfigPath): \(error)")
}
if seedNodes {
    // Three nodes as TwoClusters seeds them in-process: two ready, one not.
    let transport = HTTPTransport()
    let client = KubeClient(config: try KubeconfigLoader.load(path: kubeconfigPath, context: nil), transport: transport)
    for (index, ready) in [true, true, false].enumerated() {
        let name = "node-\(["a", "b", "c"][index])"
        var node = try await client.create(
            Node(metadata: ObjectMeta(name: name, labels: ["topology.kubernetes.io/zone": "zone-\(name)"])))
        node.status = NodeStatus(
            addresses: [NodeAddress(type: "InternalIP", address: "\(seedNodesPrefix).\(index + 1)")],
            conditions: [NodeCondition(type: "Ready", status: ready ? "True" : "False")])
        _ = try await client.update(node, subresource: "status")
    }
    transport.shutdown()
}
StandardStreams.output(line: "test-apiserver serving on \(server.url), kubeconfig \(kubeconfigPath)")
while true { try await Task.sleep(for: .seconds(3600)) }
