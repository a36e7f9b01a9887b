/// The `ExecCredential` object an exec plugin prints on stdout; only the fields barrelman uses.
struct ExecCredentialResponse: JSONDecodable {
    var apiVersion: String?
    var kind: String?
    var status: Status?

    struct Status: JSONDecodable {
        var token: String?
        /// PEM text (not base64), as client-go defines it.
        var clientCertificateData: String?
        var clientKeyData: String?
        /// RFC 3339; absent means "valid until the server says otherwise".
        var expirationTimestamp: String?

        init(json: JSONNode) throws(JSONDecodingError) {
            token = try json.decode("token")
            clientCertificateData = try json.decode("clientCertificateData")
            clientKeyData = try json.decode("clientKeyData")
            expirationTimestamp = try json.decode("expirationTimestamp")
        }
    }

    init(json: JSONNode) throws(JSONDecodingError) {
        guard json.kind == .object else { throw JSONDecodingError("expected an object, found \(json.kind)") }
        apiVersion = try json.decode("apiVersion")
        kind = try json.decode("kind")
        status = try json.decode("status")
    }
}
