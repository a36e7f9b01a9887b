import CCurl
import CCurlShim

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Translates an `HTTPRequest` into easy-handle options: method, body, headers, timeouts, TLS, proxy.
extension CurlTransfer {
    func applyOptions(of request: HTTPRequest, connectTimeout: Duration) throws(TransportError) {
        var url = request.url
        var noProxy = ["localhost", "127.0.0.1", "::1"]
        if let serverName = request.tls.serverName, !serverName.isEmpty {
            let route = try Self.serverNameRoute(url: request.url, serverName: serverName)
            url = route.url
            // libcurl decides about proxying by the URL's (rewritten) host; loopback stays direct.
            if route.realHostIsLoopback {
                noProxy.append(serverName)
            }
            connectToList = curl_slist_append(nil, route.connectTo)
            try set(CURLOPT_CONNECT_TO, pointer: connectToList, "tls-server-name routing")
        }
        try set(CURLOPT_URL, string: url, "URL")
        try set(CURLOPT_NOSIGNAL, 1, "NOSIGNAL")
        if request.connectionUse != .pooled {
            try applyProbeOptions(timeout: request.timeout ?? connectTimeout)
            return
        }
        // HTTP/2 where the server offers it; a libcurl without HTTP/2 refuses this and stays on HTTP/1.1.
        _ = bm_easy_setopt_long(easy.raw, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS)
        // Wait for an existing connection to tell whether it multiplexes (HTTP/2) rather than open another.
        try set(CURLOPT_PIPEWAIT, 1, "PIPEWAIT")
        try set(CURLOPT_TCP_KEEPALIVE, 1, "TCP keepalive")
        try set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1, "proxy CONNECT headers")
        try set(CURLOPT_CONNECTTIMEOUT_MS, connectTimeout.curlMilliseconds, "connect timeout")
        try set(CURLOPT_TIMEOUT_MS, request.timeout?.curlMilliseconds ?? 0, "timeout")
        try applyMethodAndBody(of: request)
        try applyHeaders(of: request)
        try applyTLS(request.tls)
        if let proxyURL = request.proxyURL, !proxyURL.isEmpty {
            try set(CURLOPT_PROXY, string: proxyURL, "proxy")
        } else {
            // Like client-go, honour the *_proxy environment but never proxy loopback addresses.
            try set(CURLOPT_NOPROXY, string: Self.noProxyList(noProxy), "no-proxy list")
        }
    }

    /// A request to a node never goes through a proxy (the node is reached as the local pods reach it), and
    /// reuses the node's kept-alive connection.
    private func applyProbeOptions(timeout: Duration) throws(TransportError) {
        try set(CURLOPT_NOPROXY, string: "*", "no proxy")
        try set(CURLOPT_CONNECTTIMEOUT_MS, timeout.curlMilliseconds, "connect timeout")
        try set(CURLOPT_TIMEOUT_MS, timeout.curlMilliseconds, "timeout")
        try set(CURLOPT_HTTPGET, 1, "GET")
    }

    private func applyMethodAndBody(of request: HTTPRequest) throws(TransportError) {
        let method = request.method.uppercased()
        let sendsBody = ["POST", "PUT", "PATCH"].contains(method)
        switch (method, request.body ?? (sendsBody ? [] : nil)) {
        case ("GET", nil):
            try set(CURLOPT_HTTPGET, 1, "GET")
        case ("HEAD", nil):
            try set(CURLOPT_NOBODY, 1, "HEAD")
        case (_, let body?):
            try set(CURLOPT_POSTFIELDSIZE_LARGE, offset: curl_off_t(body.count), "body size")
            // COPYPOSTFIELDS: libcurl keeps its own copy, so the array need not outlive this call.
            let code =
                body.isEmpty
                ? bm_easy_setopt_ptr(easy.raw, CURLOPT_COPYPOSTFIELDS, "")
                : body.withUnsafeBytes { bm_easy_setopt_ptr(easy.raw, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) }
            try check(code, "body")
            if method != "POST" {
                try set(CURLOPT_CUSTOMREQUEST, string: method, "method")
            }
        case (_, nil):
            try set(CURLOPT_CUSTOMREQUEST, string: method, "method")
        }
    }

    private func applyHeaders(of request: HTTPRequest) throws(TransportError) {
        // "Expect:" stops libcurl from waiting for 100-continue before sending larger bodies.
        var lines = ["Expect:"]
        for header in request.headers {
            // "Name;" is libcurl's spelling of a header with an empty value.
            lines.append(header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)")
        }
        for line in lines {
            guard let appended = curl_slist_append(headerList, line) else {
                throw .other(code: Int(CURLE_OUT_OF_MEMORY.rawValue), message: "could not build the request headers")
            }
            headerList = appended
        }
        try set(CURLOPT_HTTPHEADER, pointer: headerList, "headers")
    }

    private func applyTLS(_ tls: TLSSettings) throws(TransportError) {
        if tls.insecureSkipVerify {
            try set(CURLOPT_SSL_VERIFYPEER, 0, "TLS verification")
            try set(CURLOPT_SSL_VERIFYHOST, 0, "TLS verification")
        } else {
            try set(CURLOPT_SSL_VERIFYPEER, 1, "TLS verification")
            try set(CURLOPT_SSL_VERIFYHOST, 2, "TLS verification")
        }
        // A kubeconfig CA replaces the system trust store: clear the default CA directory as well.
        if let caPEM = tls.caPEM, !caPEM.isEmpty {
            try set(CURLOPT_CAINFO_BLOB, blob: caPEM, "certificate-authority-data")
            try set(CURLOPT_CAPATH, pointer: nil, "CA path")
        } else if let caFile = tls.caFile, !caFile.isEmpty {
            try set(CURLOPT_CAINFO, string: caFile, "certificate-authority")
            try set(CURLOPT_CAPATH, pointer: nil, "CA path")
        }
        if let certificate = tls.clientCertificatePEM, !certificate.isEmpty {
            try set(CURLOPT_SSLCERT_BLOB, blob: certificate, "client-certificate-data")
            try set(CURLOPT_SSLCERTTYPE, string: "PEM", "client certificate type")
        } else if let certificateFile = tls.clientCertificateFile, !certificateFile.isEmpty {
            try set(CURLOPT_SSLCERT, string: certificateFile, "client-certificate")
        }
        if let key = tls.clientKeyPEM, !key.isEmpty {
            try set(CURLOPT_SSLKEY_BLOB, blob: key, "client-key-data")
            try set(CURLOPT_SSLKEYTYPE, string: "PEM", "client key type")
        } else if let keyFile = tls.clientKeyFile, !keyFile.isEmpty {
            try set(CURLOPT_SSLKEY, string: keyFile, "client-key")
        }
    }

    private static func noProxyList(_ hosts: [String]) -> String {
        let fromEnvironment = (getenv("NO_PROXY") ?? getenv("no_proxy")).map { String(cString: $0) } ?? ""
        return (hosts + (fromEnvironment.isEmpty ? [] : [fromEnvironment])).joined(separator: ",")
    }

    /// To verify against `serverName` while connecting to the URL's real address, the URL names the server
    /// and CONNECT_TO sends that name's connections to the real host and port.
    static func serverNameRoute(
        url: String, serverName: String
    ) throws(TransportError) -> (url: String, connectTo: String, realHostIsLoopback: Bool) {
        guard let handle = curl_url() else {
            throw .other(code: Int(CURLE_OUT_OF_MEMORY.rawValue), message: "could not parse the server URL")
        }
        defer { curl_url_cleanup(handle) }
        guard curl_url_set(handle, CURLUPART_URL, url, 0) == CURLUE_OK else {
            throw .other(code: Int(CURLE_URL_MALFORMAT.rawValue), message: "server URL is malformed; check the cluster's server field")
        }
        let host = try urlPart(handle, CURLUPART_HOST, flags: 0)
        let port = try urlPart(handle, CURLUPART_PORT, flags: UInt32(CURLU_DEFAULT_PORT))
        guard curl_url_set(handle, CURLUPART_HOST, serverName, 0) == CURLUE_OK else {
            throw .tls("tls-server-name \"\(serverName)\" is not a valid host name")
        }
        let rewritten = try urlPart(handle, CURLUPART_URL, flags: 0)
        let isLoopback = host == "localhost" || host.hasPrefix("127.") || host == "[::1]"
        return (rewritten, "\(serverName):\(port):\(host):\(port)", isLoopback)
    }

    private static func urlPart(_ handle: OpaquePointer, _ part: CURLUPart, flags: UInt32) throws(TransportError) -> String {
        var value: UnsafeMutablePointer<CChar>?
        guard curl_url_get(handle, part, &value, flags) == CURLUE_OK, let value else {
            throw .other(code: Int(CURLE_URL_MALFORMAT.rawValue), message: "server URL lacks a host or port")
        }
        defer { curl_free(value) }
        return String(cString: value)
    }

    // MARK: setopt helpers that name the option on failure (never its value: it may be a secret)

    private func set(_ option: CURLoption, _ value: Int, _ what: String) throws(TransportError) {
        try check(bm_easy_setopt_long(easy.raw, option, value), what)
    }

    private func set(_ option: CURLoption, offset: curl_off_t, _ what: String) throws(TransportError) {
        try check(bm_easy_setopt_off(easy.raw, option, offset), what)
    }

    private func set(_ option: CURLoption, string: String, _ what: String) throws(TransportError) {
        // libcurl copies string options.
        try check(string.withCString { bm_easy_setopt_ptr(easy.raw, option, $0) }, what)
    }

    private func set(_ option: CURLoption, pointer: UnsafeRawPointer?, _ what: String) throws(TransportError) {
        try check(bm_easy_setopt_ptr(easy.raw, option, pointer), what)
    }

    private func set(_ option: CURLoption, blob: [UInt8], _ what: String) throws(TransportError) {
        let code = blob.withUnsafeBytes { bm_easy_setopt_blob(easy.raw, option, $0.baseAddress, $0.count) }
        try check(code, what)
    }

    private func check(_ code: CURLcode, _ what: String) throws(TransportError) {
        guard code != CURLE_OK else { return }
        if code == CURLE_NOT_BUILT_IN || code == CURLE_UNKNOWN_OPTION {
            throw .other(code: Int(code.rawValue), message: "this libcurl does not support \(what); use libcurl 7.77 or newer built with OpenSSL")
        }
        throw .other(code: Int(code.rawValue), message: "libcurl rejected the \(what) setting: \(CurlErrorMapping.describe(code))")
    }
}
