import Providers

/// Parses the input as a Google service-account key file, including its PEM private key through OpenSSL.
/// Rejections are expected; a crash, leak or hang is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let key = try? ServiceAccountKey.parse(bytes, origin: "fuzz input") {
        // What logs show of a key; it must never need the private key.
        _ = key.description
    }
    return 0
}
