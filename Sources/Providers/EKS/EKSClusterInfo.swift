#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KubeAPI

/// What EKS `DescribeCluster` says about reaching a cluster (`{"cluster": {...}}`).
struct EKSClusterInfo: JSONDecodable {
    /// `https://<id>.<gr7>.<region>.eks.amazonaws.com`.
    var endpoint: String?
    /// `certificateAuthority.data`: base64 of the CA's PEM.
    var certificateAuthorityData: String?
    /// `CREATING`, `ACTIVE`, `UPDATING`, `DELETING`, `FAILED`, `PENDING`.
    var status: String?
    var arn: String?

    init(json: JSONNode) throws(JSONDecodingError) {
        guard let cluster = json["cluster"], cluster.kind == .object else {
            throw JSONDecodingError(path: ["cluster"], "expected an object")
        }
        endpoint = try cluster.decode("endpoint")
        certificateAuthorityData = try cluster["certificateAuthority"]?.decode("data")
        status = try cluster.decode("status")
        arn = try cluster.decode("arn")
    }

    /// The CA bundle, or nil when absent or not base64 of a PEM certificate.
    var caPEM: [UInt8]? {
        guard let data = certificateAuthorityData.nonEmpty.flatMap({ Data(base64Encoded: $0, options: .ignoreUnknownCharacters) })
        else { return nil }
        let pem = [UInt8](data)
        return String(decoding: pem, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") ? pem : nil
    }
}

/// An AWS JSON error: the type from `x-amzn-ErrorType` or `__type`/`code`, and `message`/`Message`.
struct AWSJSONError: JSONDecodable {
    var type: String?
    var message: String?

    init(json: JSONNode) throws(JSONDecodingError) {
        let typeField: String? = try json.decode("__type")
        let codeField: String? = try json.decode("code")
        let lowerMessage: String? = try json.decode("message")
        let upperMessage: String? = try json.decode("Message")
        type = typeField ?? codeField
        message = lowerMessage ?? upperMessage
    }

    /// `Type: message` from a response, one line; the type is stripped of its `:http://...` and `prefix#` parts.
    static func summary(_ response: HTTPResponse) -> (type: String?, text: String?) {
        let body = try? JSONDocument.decode(AWSJSONError.self, from: response.body)
        let rawType = response.headers["x-amzn-ErrorType"] ?? body?.type
        let type = rawType.map { raw -> String in
            let beforeColon = raw.split(separator: ":", maxSplits: 1).first.map(String.init) ?? raw
            return beforeColon.split(separator: "#").last.map(String.init) ?? beforeColon
        }
        let parts = [type, body?.message].compactMap { $0.nonEmpty }
        return (type, parts.isEmpty ? nil : ServiceAccountKey.oneLine(parts.joined(separator: ": "), limit: 300))
    }
}
