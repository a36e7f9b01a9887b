import NIOCore
import NIOSSL

/// The server's certificate and key, and optionally the CA its clients' certificates must chain to.
public struct ServerTLSMaterial: Sendable {
    /// Server certificate (then any intermediates), PEM.
    public var certificateChainPEM: [UInt8]
    public var privateKeyPEM: [UInt8]
    /// When set, clients are asked for a certificate, which is verified against these CAs; presenting none is allowed.
    public var clientCATrustPEM: [UInt8]?

    public init(certificateChainPEM: [UInt8], privateKeyPEM: [UInt8], clientCATrustPEM: [UInt8]? = nil) {
        self.certificateChainPEM = certificateChainPEM
        self.privateKeyPEM = privateKeyPEM
        self.clientCATrustPEM = clientCATrustPEM
    }

    func makeSSLContext() throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMBytes(certificateChainPEM)
        let key = try NIOSSLPrivateKey(bytes: privateKeyPEM, format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        // HTTP/1.1 only: clients that offer h2 fall back to it.
        configuration.applicationProtocols = ["http/1.1"]
        // Idle clients rarely answer close_notify; don't hold stop() hostage waiting for it.
        configuration.shutdownTimeout = .milliseconds(100)
        if let clientCATrustPEM {
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(clientCATrustPEM))
            configuration.certificateVerification = .optionalVerification
        }
        return try NIOSSLContext(configuration: configuration)
    }
}
