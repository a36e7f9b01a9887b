import COpenSSL
import Foundation
import TestAPIServer

/// AWS Signature Version 4 verification as AWS does it, written apart from barrelman's signer so that the
/// fakes check the client instead of agreeing with it.
public enum SigV4Check {
    /// Who signed, and when.
    public struct Signer: Sendable {
        public var accessKeyID: String
        public var arn: String
        public var date: Date
    }

    /// AWS's error code and message for a refused signature.
    public struct Refusal: Error, Sendable, Equatable {
        public var code: String
        public var message: String
    }

    /// A request signed with an `Authorization` header.
    public static func verifyHeader(
        _ request: ServerRequest, service: String, region: String, ledger: AWSIdentityLedger
    ) -> Result<Signer, Refusal> {
        guard let authorization = request.header("Authorization"), authorization.hasPrefix("AWS4-HMAC-SHA256 ") else {
            return .failure(Refusal(code: "MissingAuthenticationToken", message: "Missing Authentication Token"))
        }
        var fields: [String: String] = [:]
        for part in authorization.dropFirst("AWS4-HMAC-SHA256 ".count).split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
        }
        guard let credential = fields["Credential"], let signedHeaders = fields["SignedHeaders"],
            let signature = fields["Signature"], let amzDate = request.header("X-Amz-Date")
        else { return .failure(Refusal(code: "IncompleteSignature", message: "Authorization header incomplete")) }
        return verify(
            method: request.method, path: request.path, query: parseQuery(request.query), headers: request.headers,
            payload: request.body, credential: credential, signedHeaders: signedHeaders, signature: signature,
            amzDate: amzDate, sessionToken: request.header("X-Amz-Security-Token"), service: service, region: region,
            ledger: ledger, maxAge: 300)
    }

    /// A presigned request (`X-Amz-*` in the query), e.g. the URL inside an EKS token replayed with `headers`.
    public static func verifyPresigned(
        method: String, path: String, rawQuery: String, headers: [(name: String, value: String)], service: String,
        region: String, ledger: AWSIdentityLedger
    ) -> Result<Signer, Refusal> {
        let query = parseQuery(rawQuery)
        func value(_ name: String) -> String? { query.first { $0.0 == name }?.1 }
        guard value("X-Amz-Algorithm") == "AWS4-HMAC-SHA256", let credential = value("X-Amz-Credential"),
            let signedHeaders = value("X-Amz-SignedHeaders"), let signature = value("X-Amz-Signature"),
            let amzDate = value("X-Amz-Date")
        else { return .failure(Refusal(code: "IncompleteSignature", message: "presigned query incomplete")) }
        return verify(
            method: method, path: path, query: query.filter { $0.0 != "X-Amz-Signature" }, headers: headers, payload: [],
            credential: credential, signedHeaders: signedHeaders, signature: signature, amzDate: amzDate,
            sessionToken: value("X-Amz-Security-Token"), service: service, region: region, ledger: ledger, maxAge: nil)
    }

    // swiftlint:disable:next function_parameter_count
    private static func verify(
        method: String, path: String, query: [(String, String)], headers: [(name: String, value: String)],
        payload: [UInt8], credential: String, signedHeaders: String, signature: String, amzDate: String,
        sessionToken: String?, service: String, region: String, ledger: AWSIdentityLedger, maxAge: TimeInterval?
    ) -> Result<Signer, Refusal> {
        let scope = credential.split(separator: "/").map(String.init)
        guard scope.count == 5, scope[4] == "aws4_request", let date = parseAmzDate(amzDate),
            amzDate.hasPrefix(scope[1])
        else { return .failure(Refusal(code: "IncompleteSignature", message: "bad credential scope \(credential)")) }
        guard scope[2] == region, scope[3] == service else {
            return .failure(
                Refusal(code: "SignatureDoesNotMatch", message: "Credential should be scoped to \(region)/\(service)"))
        }
        guard let key = ledger.key(scope[0]) else {
            return .failure(
                Refusal(code: "InvalidClientTokenId", message: "The security token included in the request is invalid."))
        }
        if let expiresAt = key.expiresAt, Date() >= expiresAt {
            return .failure(Refusal(code: "ExpiredToken", message: "The security token included in the request is expired"))
        }
        guard key.sessionToken == sessionToken else {
            return .failure(
                Refusal(code: "InvalidClientTokenId", message: "The security token included in the request is invalid."))
        }
        if let maxAge, abs(date.timeIntervalSinceNow) > maxAge {
            return .failure(Refusal(code: "SignatureDoesNotMatch", message: "Signature expired"))
        }
        let names = signedHeaders.split(separator: ";").map(String.init)
        guard names.contains("host") else {
            return .failure(Refusal(code: "SignatureDoesNotMatch", message: "host must be signed"))
        }
        var canonicalHeaders = ""
        for name in names {
            let values = headers.filter { $0.name.lowercased() == name }.map {
                $0.value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            }
            guard !values.isEmpty else {
                return .failure(Refusal(code: "SignatureDoesNotMatch", message: "signed header \(name) is missing"))
            }
            canonicalHeaders += "\(name):\(values.joined(separator: ","))\n"
        }
        let encodedQuery: [(String, String)] = query.map { pair -> (String, String) in (encode(pair.0), encode(pair.1)) }
        let sortedQuery = encodedQuery.sorted { left, right in left.0 == right.0 ? left.1 < right.1 : left.0 < right.0 }
        let canonicalQuery = sortedQuery.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        let canonicalRequest = [
            method, encode(path, keepSlash: true), canonicalQuery, canonicalHeaders, signedHeaders, hex(sha256(payload)),
        ].joined(separator: "\n")
        let stringToSign = [
            "AWS4-HMAC-SHA256", amzDate, scope[1...4].joined(separator: "/"), hex(sha256(Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")
        var signingKey = Array("AWS4\(key.secret)".utf8)
        for part in scope[1...4] { signingKey = hmac(signingKey, Array(part.utf8)) }
        guard hex(hmac(signingKey, Array(stringToSign.utf8))) == signature else {
            return .failure(
                Refusal(
                    code: "SignatureDoesNotMatch",
                    message: "The request signature we calculated does not match the signature you provided."))
        }
        return .success(Signer(accessKeyID: scope[0], arn: key.arn, date: date))
    }

    /// Percent-decoded pairs of a raw query string.
    public static func parseQuery(_ raw: String) -> [(String, String)] {
        raw.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            return (name, value)
        }
    }

    static func parseAmzDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.date(from: text)
    }

    private static func encode(_ text: String, keepSlash: Bool = false) -> String {
        var allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        if keepSlash { allowed.insert("/") }
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    private static func sha256(_ data: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = EVP_Digest(data, data.count, &digest, &length, EVP_sha256(), nil)
        return Array(digest.prefix(Int(length)))
    }

    private static func hmac(_ key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length = 0
        _ = EVP_Q_mac(nil, "HMAC", nil, "SHA256", nil, key, key.count, data, data.count, &output, output.count, &length)
        return Array(output.prefix(length))
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
