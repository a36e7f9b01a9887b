#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KubeAPI
import Logging

/// What providers read from the outside world, injectable so tests never mutate the process environment.
public struct ProviderEnvironment: Sendable {
    /// Environment variables (`GOOGLE_APPLICATION_CREDENTIALS`, `GCE_METADATA_HOST`, `SSL_CERT_FILE`, `KUBECONFIG`, ...).
    public var variables: [String: String]
    /// The HTTP client for cloud APIs (token endpoints, Container API, metadata server).
    public var transport: HTTPTransport
    public var logger: Logger

    public init(
        variables: [String: String] = ProcessInfo.processInfo.environment, transport: HTTPTransport,
        logger: Logger = Logger(label: "barrelman.providers")
    ) {
        self.variables = variables
        self.transport = transport
        self.logger = logger
    }

    /// The variable's value, unless unset or empty.
    func variable(_ name: String) -> String? {
        variables[name].nonEmpty
    }
}
