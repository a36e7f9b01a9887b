#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// kube's opaque list continuation: base64 of `{"v":"meta.k8s.io/v1","rv":N,"start":"<key>\u0000"}`.
struct ContinueToken: Sendable, Equatable {
    var resourceVersion: Int64
    /// The first storage key of the next page.
    var start: String

    func encoded() -> String {
        let json: JSON = ["v": "meta.k8s.io/v1", "rv": .int(resourceVersion), "start": .string(start)]
        return Data(json.serialized()).base64EncodedString()
    }

    static func decode(_ text: String) throws(APIError) -> ContinueToken {
        let invalid = APIError.badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
        guard let data = Data(base64Encoded: text) else { throw invalid }
        let json: JSON
        do {
            json = try JSON.parse(Array(data))
        } catch {
            throw invalid
        }
        guard json["v"]?.stringValue == "meta.k8s.io/v1", let version = json["rv"]?.intValue, version > 0,
            let start = json["start"]?.stringValue
        else { throw invalid }
        return ContinueToken(resourceVersion: version, start: start)
    }
}
