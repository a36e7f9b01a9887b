import Foundation
import TestAPIServer

/// A set of in-process fakes of one cloud's services, started and stopped together.
public protocol CloudFake: Sendable {
    static func start() async throws -> Self
    func stop() async
}

extension CloudFake {
    /// Starts the fakes, runs `body`, and stops them even when `body` throws.
    public static func with<T>(_ body: (Self) async throws -> T) async throws -> T {
        let fake = try await start()
        do {
            let result = try await body(fake)
            await fake.stop()
            return result
        } catch {
            await fake.stop()
            throw error
        }
    }
}

/// What a cloud's HTTPS fakes serve with: a certificate for 127.0.0.1 from a fresh test CA, and that CA's PEM
/// in `caFile` (clients trust it through `SSL_CERT_FILE`) inside a fresh temporary `directory`.
struct FakeCloudTLS {
    let material: ServerTLSMaterial
    let directory: String
    let caFile: String

    init(name: String) throws {
        let authority = try TestCertificateAuthority.generate(commonName: "\(name)-ca")
        let certificate = try authority.issueServerCertificate(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
        material = ServerTLSMaterial(certificateChainPEM: certificate.certificatePEM, privateKeyPEM: certificate.privateKeyPEM)
        directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("\(name)-" + UUID().uuidString.lowercased())
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        caFile = (directory as NSString).appendingPathComponent("ca.pem")
        try Data(authority.certificatePEM).write(to: URL(fileURLWithPath: caFile))
    }
}
