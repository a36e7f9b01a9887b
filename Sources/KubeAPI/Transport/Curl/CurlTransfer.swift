import CCurl
import CCurlShim
import Synchronization

/// The status and headers of a streaming response, handed over as soon as the head arrived.
struct HTTPResponseHead: Sendable {
    var status: Int
    var headers: HTTPHeaders
}

/// One request on one easy handle, from configuration to completion.
///
/// Confinement: the creating task configures it and sets `stage` before `CurlMultiLoop.submit`; from then on
/// only the loop thread touches the handle and the mutable state (callbacks and completion run there).
/// The only cross-thread members are the atomics.
final class CurlTransfer: @unchecked Sendable {
    let easy: CurlPointer
    /// Set by any thread that wants this transfer gone; checked by the loop when the transfer is added.
    let cancelRequested = Atomic<Bool>(false)
    /// Set by the loop thread once the transfer has completed.
    let isFinished = Atomic<Bool>(false)

    /// Lists libcurl reads during the transfer; freed with the handle.
    var headerList: UnsafeMutablePointer<curl_slist>?
    var connectToList: UnsafeMutablePointer<curl_slist>?
    /// CURLOPT_ERRORBUFFER: libcurl writes the detailed message of a failure here.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// Stage times for `StageTrace`; written by the submitting task before submission and by the loop thread
    /// after, read by the task once the transfer completed.
    var timing: TransferTiming?

    private var stage: Stage = .idle
    private var head = ResponseHeadParser()
    private var body: [UInt8] = []

    private enum Stage {
        case idle
        case awaitingWholeResponse(CheckedContinuation<Result<HTTPResponse, TransportError>, Never>)
        case awaitingHead(CheckedContinuation<Result<HTTPResponseHead, TransportError>, Never>, BodyChannel)
        case streamingBody(BodyChannel)
        case finished
    }

    init(request: HTTPRequest, connectTimeout: Duration) throws(TransportError) {
        guard CurlGlobal.initialized else {
            throw .other(code: Int(CURLE_FAILED_INIT.rawValue), message: "libcurl could not be initialised")
        }
        guard let handle = curl_easy_init() else {
            throw .other(code: Int(CURLE_FAILED_INIT.rawValue), message: "libcurl could not create a handle")
        }
        easy = CurlPointer(raw: handle)
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        // From here deinit frees everything, whichever step throws.
        try applyOptions(of: request, connectTimeout: connectTimeout)
        try installCallbacks()
    }

    deinit {
        curl_easy_cleanup(easy.raw)
        curl_slist_free_all(headerList)
        curl_slist_free_all(connectToList)
        errorBuffer.deallocate()
    }

    private func installCallbacks() throws(TransportError) {
        let me = Unmanaged.passUnretained(self).toOpaque()
        let handle = easy.raw
        // The loop keeps the transfer alive while libcurl may call back, so the unretained pointer is safe.
        for code in [
            bm_easy_setopt_write_function(handle, curlWriteCallback),
            bm_easy_setopt_ptr(handle, CURLOPT_WRITEDATA, me),
            bm_easy_setopt_header_function(handle, curlHeaderCallback),
            bm_easy_setopt_ptr(handle, CURLOPT_HEADERDATA, me),
            bm_easy_setopt_ptr(handle, CURLOPT_ERRORBUFFER, errorBuffer),
        ] where code != CURLE_OK {
            throw .other(code: Int(code.rawValue), message: "configuring libcurl callbacks failed")
        }
    }

    // MARK: set up by the submitting task, before submission

    func expectWholeResponse(_ continuation: CheckedContinuation<Result<HTTPResponse, TransportError>, Never>) {
        stage = .awaitingWholeResponse(continuation)
    }

    func expectStreamingResponse(
        _ continuation: CheckedContinuation<Result<HTTPResponseHead, TransportError>, Never>, body: BodyChannel
    ) {
        stage = .awaitingHead(continuation, body)
    }

    // MARK: loop thread

    fileprivate func receiveHeaderLine(_ line: UnsafeRawBufferPointer) {
        guard head.consume(line) else { return }
        if case .awaitingHead(let continuation, let channel) = stage {
            stage = .streamingBody(channel)
            continuation.resume(returning: .success(HTTPResponseHead(status: head.status, headers: head.headers)))
        }
    }

    /// Returns false when the consumer is too far behind and the transfer must pause.
    fileprivate func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        switch stage {
        case .awaitingWholeResponse:
            body.append(contentsOf: bytes)
            return true
        case .awaitingHead(let continuation, let channel):
            // Body without a head we recognised (HTTP/0.9-like); answer with what libcurl knows.
            stage = .streamingBody(channel)
            continuation.resume(returning: .success(fallbackHead()))
            return channel.offer(Array(bytes)) == .accepted
        case .streamingBody(let channel):
            return channel.offer(Array(bytes)) == .accepted
        case .idle, .finished:
            return true
        }
    }

    /// The transfer ended: `code` is libcurl's result, or nil when the loop aborted it for cancellation.
    func complete(_ code: CURLcode?) {
        let previous = stage
        stage = .finished
        if timing != nil { recordTiming() }
        isFinished.store(true, ordering: .releasing)
        let failure = code.flatMap { code -> TransportError? in
            guard code != CURLE_OK else { return nil }
            return CurlErrorMapping.error(for: code, message: errorMessage(code), afterHead: head.isComplete)
        }
        switch previous {
        case .awaitingWholeResponse(let continuation):
            if code == nil {
                continuation.resume(returning: .failure(.cancelled))
            } else if let failure {
                continuation.resume(returning: .failure(failure))
            } else {
                let responseHead = head.isComplete ? HTTPResponseHead(status: head.status, headers: head.headers) : fallbackHead()
                var response = HTTPResponse(status: responseHead.status, headers: responseHead.headers, body: body)
                response.timing = timing
                continuation.resume(returning: .success(response))
            }
            body = []
        case .awaitingHead(let continuation, let channel):
            if code == nil {
                continuation.resume(returning: .failure(.cancelled))
            } else if let failure {
                continuation.resume(returning: .failure(failure))
            } else {
                continuation.resume(returning: .success(fallbackHead()))
                channel.finish(nil)
            }
        case .streamingBody(let channel):
            channel.finish(code == nil ? .cancelled : failure)
        case .idle, .finished:
            break
        }
    }

    private func recordTiming() {
        timing?.completed = StageTrace.now()
        var connects = 0
        _ = bm_easy_getinfo_long(easy.raw, CURLINFO_NUM_CONNECTS, &connects)
        timing?.newConnections = connects
        var value: curl_off_t = 0
        _ = bm_easy_getinfo_off(easy.raw, CURLINFO_PRETRANSFER_TIME_T, &value)
        timing?.pretransfer = Int(value)
        _ = bm_easy_getinfo_off(easy.raw, CURLINFO_STARTTRANSFER_TIME_T, &value)
        timing?.startTransfer = Int(value)
        _ = bm_easy_getinfo_off(easy.raw, CURLINFO_TOTAL_TIME_T, &value)
        timing?.total = Int(value)
    }

    private func fallbackHead() -> HTTPResponseHead {
        var status = 0
        _ = bm_easy_getinfo_long(easy.raw, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponseHead(status: status, headers: head.headers)
    }

    private func errorMessage(_ code: CURLcode) -> String {
        let detail = String(cString: errorBuffer)
        return detail.isEmpty ? CurlErrorMapping.describe(code) : detail
    }
}

private func curlWriteCallback(
    data: UnsafeMutablePointer<CChar>?, size: Int, count: Int, userData: UnsafeMutableRawPointer?
) -> Int {
    guard let userData else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userData).takeUnretainedValue()
    let length = size * count
    let accepted = transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: length))
    return accepted ? length : Int(CURL_WRITEFUNC_PAUSE)
}

private func curlHeaderCallback(
    data: UnsafeMutablePointer<CChar>?, size: Int, count: Int, userData: UnsafeMutableRawPointer?
) -> Int {
    guard let userData else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userData).takeUnretainedValue()
    let length = size * count
    transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
    return length
}
