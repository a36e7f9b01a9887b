#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KubeAPI
import Logging

/// A Google service-account key file (`"type": "service_account"`), as downloaded from the console or
/// created by `gcloud iam service-accounts keys create`. Descriptions never show the private key.
public struct ServiceAccountKey: Sendable, CustomStringConvertible, CustomReflectable {
    public var clientEmail: String
    public var privateKeyID: String
    /// PKCS#8 or PKCS#1 PEM. Secret.
    var privateKeyPEM: [UInt8]
    /// Where the signed JWT is exchanged for an access token.
    public var tokenURI: String
    public var projectID: String?

    /// Reads and checks a key file; `origin` says where the path came from (`-remote-credentials`, ...). A key
    /// file that group or others can read works, with a warning on `logger`.
    public static func load(path: String, origin: String, logger: Logger? = nil) throws(ProviderError)
        -> ServiceAccountKey
    {
        let advice = "set GOOGLE_APPLICATION_CREDENTIALS or -remote-credentials to a service-account key file"
        let prefix = "\(origin) \(path)"
        guard FileManager.default.fileExists(atPath: path) else {
            throw ProviderError("\(prefix): file not found (\(advice))")
        }
        guard FileManager.default.isReadableFile(atPath: path), let data = FileManager.default.contents(atPath: path)
        else {
            throw ProviderError("\(prefix): cannot be read (check its permissions for barrelman's user)")
        }
        let key = try parse(Array(data), origin: prefix)
        if let warning = KeyFilePermissions.warning(forKeyFile: path, what: "\(origin): service-account key") {
            logger?.warning("\(warning)")
        }
        return key
    }

    /// Parses key JSON; errors start with `origin` and never quote the file's content.
    public static func parse(_ bytes: [UInt8], origin: String) throws(ProviderError) -> ServiceAccountKey {
        let fields: KeyFileFields
        do {
            fields = try JSONDocument.decode(KeyFileFields.self, from: bytes)
        } catch {
            // Only the path of a decoding error is shown: its message could quote key material.
            let detail = error.path.isEmpty ? "is not a JSON object" : "field \(error.description)"
            throw ProviderError(
                "\(origin): \(detail) (expected a service-account key file from the Google Cloud console)")
        }
        guard fields.type == "service_account" else {
            let found = fields.type.map { "a \"\(oneLine($0))\" credential" } ?? "a credential without \"type\""
            throw ProviderError(
                "\(origin): \(found), not a service-account key (create one with "
                    + "`gcloud iam service-accounts keys create`, or use the metadata server by leaving it unset)")
        }
        func required(_ value: String?, _ field: String) throws(ProviderError) -> String {
            guard let value, !value.isEmpty else {
                throw ProviderError("\(origin): \"\(field)\" is missing (download the service-account key again)")
            }
            return value
        }
        let key = ServiceAccountKey(
            clientEmail: try required(fields.clientEmail, "client_email"),
            privateKeyID: try required(fields.privateKeyID, "private_key_id"),
            privateKeyPEM: Array(try required(fields.privateKey, "private_key").utf8),
            tokenURI: try GoogleEndpoint.validated(
                fields.tokenURI.nonEmpty ?? "https://oauth2.googleapis.com/token", origin: "\(origin): token_uri"),
            projectID: fields.projectID.nonEmpty)
        do {
            _ = try RS256Signer(privateKeyPEM: key.privateKeyPEM)
        } catch {
            throw ProviderError(
                "\(origin): private_key is not a usable RSA private key in PEM (\(error.reason)); download a new key")
        }
        return key
    }

    public var description: String {
        "ServiceAccountKey(\(clientEmail), key \(privateKeyID), token_uri \(tokenURI))"
    }

    public var customMirror: Mirror { Mirror(self, children: ["redacted": description]) }

    static func oneLine(_ text: String, limit: Int = 100) -> String {
        let folded = text.split(whereSeparator: { $0.isWhitespace || $0.isNewline }).joined(separator: " ")
        return folded.count > limit ? String(folded.prefix(limit)) + "…" : folded
    }
}

/// The fields of a key file this code reads.
private struct KeyFileFields: JSONDecodable {
    var type: String?
    var clientEmail: String?
    var privateKey: String?
    var privateKeyID: String?
    var tokenURI: String?
    var projectID: String?

    init(json: JSONNode) throws(JSONDecodingError) {
        guard json.kind == .object else { throw JSONDecodingError("not an object") }
        type = try json.decode("type")
        clientEmail = try json.decode("client_email")
        privateKey = try json.decode("private_key")
        privateKeyID = try json.decode("private_key_id")
        tokenURI = try json.decode("token_uri")
        projectID = try json.decode("project_id")
    }
}
