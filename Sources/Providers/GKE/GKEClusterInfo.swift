#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KubeAPI

/// What the Container API's `projects.locations.clusters.get` says about reaching a cluster.
struct GKEClusterInfo: JSONDecodable {
    /// Public endpoint, an IP address (or host) without scheme.
    var endpoint: String?
    /// `privateClusterConfig.privateEndpoint`.
    var privateEndpoint: String?
    /// `masterAuth.clusterCaCertificate`: base64 of a PEM bundle.
    var clusterCACertificate: String?

    init(json: JSONNode) throws(JSONDecodingError) {
        endpoint = try json.decode("endpoint")
        privateEndpoint = try json["privateClusterConfig"]?.decode("privateEndpoint")
        clusterCACertificate = try json["masterAuth"]?.decode("clusterCaCertificate")
    }

    /// The decoded CA PEM, or nil when absent or not base64 of a PEM certificate.
    var caPEM: [UInt8]? {
        guard let encoded = clusterCACertificate.nonEmpty,
            let data = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters)
        else { return nil }
        let pem = Array(data)
        guard String(decoding: pem, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else { return nil }
        return pem
    }
}
