import Foundation
import Synchronization
import TestAPIServer

/// The GCE metadata server's token endpoint for the default service account; insists on `Metadata-Flavor: Google`.
public final class MetadataServerFake: ServerRequestHandler {
    public static let tokenPath = "/computeMetadata/v1/instance/service-accounts/default/token"

    private struct State {
        var serviceAccount: String? = "123456789-compute@developer.gserviceaccount.com"
        var expiresIn = 3599
        var requestsWithoutFlavor = 0
    }

    private let state = Mutex(State())
    private let ledger: GoogleTokenLedger

    public init(ledger: GoogleTokenLedger) {
        self.ledger = ledger
    }

    /// The default service account's e-mail; nil makes the token path 404, as on a VM without one.
    public func setServiceAccount(_ email: String?) {
        state.withLock { $0.serviceAccount = email }
    }

    public func setExpiresIn(_ seconds: Int) {
        state.withLock { $0.expiresIn = seconds }
    }

    /// Requests refused for lacking the header.
    public var requestsWithoutFlavor: Int { state.withLock { $0.requestsWithoutFlavor } }

    public func handle(_ request: ServerRequest) async -> ServerResponse {
        guard request.header("Metadata-Flavor") == "Google" else {
            state.withLock { $0.requestsWithoutFlavor += 1 }
            return ServerResponse(status: 403, body: .bytes(Array("Missing Metadata-Flavor:Google header.".utf8)))
        }
        let (account, expiresIn) = state.withLock { ($0.serviceAccount, $0.expiresIn) }
        guard request.method == "GET", request.path == Self.tokenPath, let account else {
            return ServerResponse(status: 404, body: .bytes(Array("Not Found".utf8)))
        }
        let token = ledger.issue(subject: account, lifetime: .seconds(expiresIn))
        return OAuth2TokenEndpointFake.json(
            200, ["access_token": token, "expires_in": expiresIn, "token_type": "Bearer"])
    }
}
