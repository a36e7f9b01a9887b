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
}
