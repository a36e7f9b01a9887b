import CCurl
import CCurlShim

/// One easy handle of the probe loop, configured once and re-aimed for each probe it runs; only the loop
/// thread touches it.
final class CurlProbeHandle {
    let easy: CurlPointer
    /// CURLOPT_ERRORBUFFER: libcurl writes the detailed message of a failure here.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init?() {
        guard CurlGlobal.initialized, let raw = curl_easy_init() else { return nil }
        easy = CurlPointer(raw: raw)
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        // A probe reads a status line and a few bytes of body: a small receive buffer keeps a kept handle small.
        let settled = [
            bm_easy_setopt_long(raw, CURLOPT_NOSIGNAL, 1),
            bm_easy_setopt_ptr(raw, CURLOPT_NOPROXY, "*"),
            bm_easy_setopt_long(raw, CURLOPT_BUFFERSIZE, 4096),
            bm_easy_setopt_ptr(raw, CURLOPT_ERRORBUFFER, errorBuffer),
            // The body is not read by anyone: only the status counts, as for a load balancer's health check.
            bm_easy_setopt_write_function(raw, { _, size, count, _ in size * count }),
        ]
        guard settled.allSatisfy({ $0 == CURLE_OK }) else {
            curl_easy_cleanup(raw)
            errorBuffer.deallocate()
            return nil
        }
    }

    deinit {
        curl_easy_cleanup(easy.raw)
        errorBuffer.deallocate()
    }

    /// Aims the handle at `request`. A GET may reuse the node's kept-alive connection; a connect-only probe is
    /// the connect itself, so it is always a new connection, closed at once.
    func configure(for request: CurlProbeRequest) -> Bool {
        let raw = easy.raw
        errorBuffer[0] = 0
        let connectOnly = request.connectOnly ? 1 : 0
        return [
            bm_easy_setopt_ptr(raw, CURLOPT_URL, request.url),
            bm_easy_setopt_long(raw, CURLOPT_CONNECTTIMEOUT_MS, request.timeoutMilliseconds),
            bm_easy_setopt_long(raw, CURLOPT_TIMEOUT_MS, request.timeoutMilliseconds),
            bm_easy_setopt_long(raw, CURLOPT_CONNECT_ONLY, connectOnly),
            bm_easy_setopt_long(raw, CURLOPT_FRESH_CONNECT, connectOnly),
            bm_easy_setopt_long(raw, CURLOPT_FORBID_REUSE, connectOnly),
        ].allSatisfy { $0 == CURLE_OK }
    }

    /// What the finished probe saw.
    func result(_ code: CURLcode, connectOnly: Bool) -> NodeProbeResult {
        var total: curl_off_t = 0
        _ = bm_easy_getinfo_off(easy.raw, CURLINFO_TOTAL_TIME_T, &total)
        let outcome: ProbeOutcome
        switch code {
        case CURLE_OK:
            // A TCP probe's "status" is 0: the connection was established.
            var status = 0
            if !connectOnly { _ = bm_easy_getinfo_long(easy.raw, CURLINFO_RESPONSE_CODE, &status) }
            outcome = .answered(status: status)
        case CURLE_COULDNT_CONNECT: outcome = .refused
        case CURLE_OPERATION_TIMEDOUT: outcome = .timedOut
        default:
            let detail = String(cString: errorBuffer)
            outcome = .failed(detail.isEmpty ? CurlErrorMapping.describe(code) : detail)
        }
        return NodeProbeResult(outcome: outcome, duration: .microseconds(total))
    }
}
