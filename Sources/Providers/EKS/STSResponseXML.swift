/// The few elements barrelman reads from STS's XML answers (credentials, the caller's ARN, an error's code and
/// message), found by name without a general XML parser: STS's responses are flat, fixed documents, and a
/// string search cannot be made to expand entities or fetch anything.
enum STSResponseXML {
    /// The text of the first `<name>...</name>`, entities decoded; nil when absent.
    static func element(_ name: String, in body: [UInt8]) -> String? {
        let text = String(decoding: body.prefix(1 << 20), as: UTF8.self)
        guard let open = text.firstRange(of: "<\(name)>"),
            let close = text[open.upperBound...].firstRange(of: "</\(name)>")
        else { return nil }
        return decodeEntities(text[open.upperBound..<close.lowerBound])
    }

    /// `Code: Message` of an `<ErrorResponse>`, one line, or nil.
    static func errorSummary(_ body: [UInt8]) -> String? {
        let parts = [element("Code", in: body), element("Message", in: body)].compactMap { $0.nonEmpty }
        return parts.isEmpty ? nil : ServiceAccountKey.oneLine(parts.joined(separator: ": "), limit: 300)
    }

    /// The five predefined entities and numeric references; anything else is kept as written.
    static func decodeEntities(_ text: Substring) -> String {
        var output = ""
        var rest = text
        while let amp = rest.firstIndex(of: "&") {
            output += rest[..<amp]
            guard let semicolon = rest[amp...].prefix(12).firstIndex(of: ";") else {
                output += rest[amp...]
                return output
            }
            let entity = rest[rest.index(after: amp)..<semicolon]
            let named: [Substring: String] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'"]
            if let value = named[entity] {
                output += value
            } else if entity.hasPrefix("#"), let scalar = numericScalar(entity.dropFirst()) {
                output.unicodeScalars.append(scalar)
            } else {
                output += rest[amp...semicolon]
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return output + rest
    }

    private static func numericScalar(_ digits: Substring) -> Unicode.Scalar? {
        let value = digits.hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
        return value.flatMap(Unicode.Scalar.init)
    }
}
