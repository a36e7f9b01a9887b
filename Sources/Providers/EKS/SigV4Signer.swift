#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// AWS Signature Version 4 for one region and service: pure, so the published test-suite vectors pin it.
struct SigV4Signer: Sendable {
    static let algorithm = "AWS4-HMAC-SHA256"
    var region: String
    var service: String

    /// The intermediate values of one signature, for tests and for the fakes' error messages.
    struct Signature: Sendable, Equatable {
        var canonicalRequest: String
        var stringToSign: String
        /// Hex HMAC.
        var signature: String
        /// `host;x-amz-date;...`
        var signedHeaders: String
    }

    /// Signs with an `Authorization` header: returns the headers to send (`X-Amz-Date`, `X-Amz-Security-Token`
    /// for temporary credentials, `Authorization`) and the signature's parts.
    func sign(_ request: SigV4Request, credentials: AWSCredentials, date: Date) -> (
        headers: [(name: String, value: String)], signature: Signature
    ) {
        let stamp = AWSTimestamp(date)
        var added: [(name: String, value: String)] = [("X-Amz-Date", stamp.amzDate)]
        if let token = credentials.sessionToken { added.append(("X-Amz-Security-Token", token)) }
        let headers = [("host", request.host)] + request.headers + added
        let signature = compute(
            request, query: request.query, headers: headers, payloadHash: AWSCrypto.hex(AWSCrypto.sha256(request.payload)),
            credentials: credentials, stamp: stamp)
        let authorization =
            "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(scope(stamp)), "
            + "SignedHeaders=\(signature.signedHeaders), Signature=\(signature.signature)"
        return (added + [("Authorization", authorization)], signature)
    }

    /// A presigned URL's query (the request's own parameters first, then the `X-Amz-*` ones, the signature
    /// last, as botocore and the Go SDK order them) for a GET of `request` valid `expires` seconds.
    func presignedQuery(
        _ request: SigV4Request, credentials: AWSCredentials, date: Date, expires: Int
    ) -> (query: String, signature: Signature) {
        let stamp = AWSTimestamp(date)
        let headers = [("host", request.host)] + request.headers
        var query = request.query + [
            ("X-Amz-Algorithm", Self.algorithm),
            ("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope(stamp))"),
            ("X-Amz-Date", stamp.amzDate),
            ("X-Amz-Expires", String(expires)),
            ("X-Amz-SignedHeaders", Self.canonicalHeaders(headers).names),
        ]
        if let token = credentials.sessionToken { query.append(("X-Amz-Security-Token", token)) }
        let signature = compute(
            request, query: query, headers: headers, payloadHash: AWSCrypto.hex(AWSCrypto.sha256([])),
            credentials: credentials, stamp: stamp)
        query.append(("X-Amz-Signature", signature.signature))
        return (SigV4Request.queryString(query), signature)
    }

    /// `20150830/us-east-1/service/aws4_request`.
    func scope(_ stamp: AWSTimestamp) -> String {
        "\(stamp.dateStamp)/\(region)/\(service)/aws4_request"
    }

    private func compute(
        _ request: SigV4Request, query: [(name: String, value: String)], headers: [(name: String, value: String)],
        payloadHash: String, credentials: AWSCredentials, stamp: AWSTimestamp
    ) -> Signature {
        let canonical = Self.canonicalHeaders(headers)
        let lines: [String] = [
            request.method, request.encodedPath, Self.canonicalQuery(query), canonical.block, canonical.names, payloadHash,
        ]
        let canonicalRequest = lines.joined(separator: "\n")
        let canonicalHash: String = AWSCrypto.hex(AWSCrypto.sha256(Array(canonicalRequest.utf8)))
        let stringToSign: String = [Self.algorithm, stamp.amzDate, scope(stamp), canonicalHash].joined(separator: "\n")
        var key = Array("AWS4\(credentials.secretAccessKey)".utf8)
        for part in [stamp.dateStamp, region, service, "aws4_request"] {
            key = AWSCrypto.hmacSHA256(key: key, data: Array(part.utf8))
        }
        let signature = AWSCrypto.hex(AWSCrypto.hmacSHA256(key: key, data: Array(stringToSign.utf8)))
        return Signature(
            canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature,
            signedHeaders: canonical.names)
    }

    /// Encoded pairs sorted by name, then value (repeated names keep every value).
    static func canonicalQuery(_ pairs: [(name: String, value: String)]) -> String {
        let encoded: [(name: String, value: String)] = pairs.map {
            (SigV4Encoding.encode($0.name), SigV4Encoding.encode($0.value))
        }
        let sorted = encoded.sorted { left, right in
            left.name == right.name ? left.value < right.value : left.name < right.name
        }
        return sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// `name:value\n` lines (lower-case names, sorted; values trimmed, inner spaces collapsed, repeated
    /// names joined by commas in order), a blank line, and the `;`-joined names.
    static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> (block: String, names: String) {
        var values: [String: [String]] = [:]
        for header in headers {
            let value = header.value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            values[header.name.lowercased(), default: []].append(value)
        }
        let names = values.keys.sorted()
        let block = names.map { "\($0):\(values[$0, default: []].joined(separator: ","))\n" }.joined()
        return (block, names.joined(separator: ";"))
    }
}
