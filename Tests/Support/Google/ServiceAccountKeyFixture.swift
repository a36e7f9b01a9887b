import Foundation

/// A freshly generated service-account key, as Google's key files look, pointing `token_uri` at a fake.
public struct ServiceAccountKeyFixture: Sendable {
    public let clientEmail: String
    public let privateKeyID: String
    public let projectID: String
    public let tokenURI: String
    /// Secret material: tests check it never appears in messages.
    public let privateKeyPEM: String
    public let publicKeyPEM: String

    /// Generates an RSA-2048 key.
    public static func generate(
        clientEmail: String = "barrelman@test-project.iam.gserviceaccount.com", projectID: String = "test-project",
        tokenURI: String
    ) throws -> ServiceAccountKeyFixture {
        let key = try FakeOpenSSL.generateRSAKey()
        let keyID = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        return ServiceAccountKeyFixture(
            clientEmail: clientEmail, privateKeyID: keyID, projectID: projectID, tokenURI: tokenURI,
            privateKeyPEM: key.privatePEM, publicKeyPEM: key.publicPEM)
    }

    /// The key file's JSON, with the fields Google writes; `type` can be overridden to test refusals.
    public func json(type: String = "service_account", privateKeyPEM: String? = nil) -> String {
        let object: [String: String] = [
            "type": type, "project_id": projectID, "private_key_id": privateKeyID,
            "private_key": privateKeyPEM ?? self.privateKeyPEM, "client_email": clientEmail,
            "client_id": "123456789012345678901", "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": tokenURI, "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/\(clientEmail)",
            "universe_domain": "googleapis.com",
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes `json()` to `directory/name` and returns the path.
    public func write(to directory: String, name: String = "key.json") throws -> String {
        let path = (directory as NSString).appendingPathComponent(name)
        try json().write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
