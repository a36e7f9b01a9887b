import Logging
import Synchronization

/// HTTP(S) client on libcurl: one multi handle, driven by a dedicated thread, shared by every request
/// (connection reuse, HTTP/2 multiplexing where the server offers it).
public final class HTTPTransport: Sendable {
    private let loop: CurlMultiLoop?
    private let startupError: TransportError?
    private let connectTimeout: Duration
    private let logger: Logger
    private let insecureWarningLogged = Atomic<Bool>(false)

    /// `maxCachedConnections`: idle connections kept for reuse; nil leaves libcurl's default.
    public init(
        connectTimeout: Duration = .seconds(10), maxCachedConnections: Int? = nil,
        logger: Logger = Logger(label: "barrelman.transport")
    ) {
        self.connectTimeout = connectTimeout
        self.logger = logger
        do throws(TransportError) {
            loop = try CurlMultiLoop(maxCachedConnections: maxCachedConnections)
            startupError = nil
        } catch {
            // Reported by every request rather than making construction throw.
            loop = nil
            startupError = error
            logger.error("HTTP transport could not start: \(error)")
        }
    }

    deinit {
        loop?.shutdown()
    }

    /// Whole response. Throws TransportError only when no HTTP response was received.
    public func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        let (loop, transfer) = try prepare(request)
        if StageTrace.isOn { transfer.timing = TransferTiming(submitted: StageTrace.now()) }
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                transfer.expectWholeResponse(continuation)
                loop.submit(transfer)
            }
        } onCancel: {
            loop.cancel(transfer)
        }
        var response = try logged(result, request).get()
        if response.timing != nil { response.timing?.resumed = StageTrace.now() }
        return response
    }

    /// Returns once status and headers arrived; body streams as chunks arrive. Cancelling the consuming
    /// task, or dropping the stream, aborts the transfer.
    public func stream(_ request: HTTPRequest) async throws(TransportError) -> HTTPStreamingResponse {
        let (loop, transfer) = try prepare(request)
        let channel = BodyChannel()
        let control = TransferControl(loop: loop, transfer: transfer, owner: self)
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                transfer.expectStreamingResponse(continuation, body: channel)
                loop.submit(transfer)
            }
        } onCancel: {
            loop.cancel(transfer)
        }
        let head = try logged(result, request).get()
        return HTTPStreamingResponse(
            status: head.status, headers: head.headers, body: HTTPBodyStream(channel: channel, control: control))
    }

    /// Stops the curl thread; in-flight transfers fail with .cancelled.
    public func shutdown() {
        loop?.shutdown()
    }

    private func prepare(_ request: HTTPRequest) throws(TransportError) -> (CurlMultiLoop, CurlTransfer) {
        guard let loop else {
            throw startupError ?? .other(code: 0, message: "HTTP transport is not running")
        }
        if request.tls.insecureSkipVerify, !insecureWarningLogged.exchange(true, ordering: .relaxed) {
            logger.warning(
                "TLS verification is disabled (insecure-skip-tls-verify); the API server's identity is not checked")
        }
        return (loop, try CurlTransfer(request: request, connectTimeout: connectTimeout))
    }

    /// Failures are logged with method and URL only: headers carry credentials.
    private func logged<Success>(
        _ result: Result<Success, TransportError>, _ request: HTTPRequest
    ) -> Result<Success, TransportError> {
        if case .failure(let error) = result, error != .cancelled {
            logger.debug("\(request.method) \(request.url) failed: \(error)")
        }
        return result
    }
}
