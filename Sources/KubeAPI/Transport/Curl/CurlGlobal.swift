import CCurl

/// libcurl's process-wide initialisation, done exactly once before the first handle is created.
enum CurlGlobal {
    /// Swift runs a static let's initialiser once, thread-safely: that is the "call curl_global_init once" rule.
    static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
}

extension Duration {
    /// Milliseconds for libcurl's `*_MS` options: at least 1 (0 would mean "no limit"), capped to fit a long.
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        guard seconds < Int64(Int.max / 1000) - 1 else { return Int.max / 2 }
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int(max(1, milliseconds))
    }
}

/// A libcurl handle pointer that may cross threads: who may use it when is documented where it is stored.
struct CurlPointer: @unchecked Sendable, Hashable {
    let raw: UnsafeMutableRawPointer
}

/// Calls `body` with each transfer of `multi` that has finished (its easy handle and result), as
/// `curl_multi_info_read` reports them; the caller removes the handle.
func forEachFinishedTransfer(of multi: UnsafeMutableRawPointer, _ body: (CurlPointer, CURLcode) -> Void) {
    var remaining: Int32 = 0
    while let message = curl_multi_info_read(multi, &remaining) {
        guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
        body(CurlPointer(raw: easy), message.pointee.data.result)
    }
}
