#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension KubeconfigLoader {
    /// The pod's own cluster: API server from `KUBERNETES_SERVICE_HOST`/`_PORT`, the service-account token (re-read
    /// as it rotates), its CA, and its namespace.
    public static func inCluster(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        serviceAccountDirectory: String = "/var/run/secrets/kubernetes.io/serviceaccount"
    ) throws(ConfigError) -> ClusterConfig {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
            let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else {
            throw ConfigError(
                "in-cluster config: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set, so this is "
                    + "not running in a cluster (pass -local-kubeconfig to use a kubeconfig file)")
        }
        guard port.allSatisfy(\.isNumber) else {
            throw ConfigError("in-cluster config: KUBERNETES_SERVICE_PORT \"\(port)\" is not a port number")
        }
        // An IPv6 address needs brackets in a URL.
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        let folder = serviceAccountDirectory.hasSuffix("/") ? serviceAccountDirectory : serviceAccountDirectory + "/"
        let owner = "in-cluster config: service account \(serviceAccountDirectory)"

        let tokenPath = folder + "token"
        _ = try FileReading.bytes(atPath: tokenPath) { reason in
            ConfigError("\(owner): token \(tokenPath) cannot be read: \(reason)")
        }
        let caPEM = try PEMMaterial.file(folder + "ca.crt", field: "ca.crt", kind: .certificate, owner: owner)

        var namespace = "default"
        if let bytes = try? FileReading.bytes(atPath: folder + "namespace", { ConfigError($0) }) {
            let text = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
            if !text.isEmpty { namespace = text }
        }
        return ClusterConfig(
            server: "https://\(hostPart):\(port)", tls: TLSSettings(caPEM: caPEM),
            credentials: TokenFileCredentials(path: tokenPath), defaultNamespace: namespace,
            displayName: "in-cluster")
    }
}
