import Foundation
import KubeAPI

/// Loads the input as a kubeconfig, from parsing the YAML to choosing the credentials. Configuration errors
/// are expected; a crash, leak or hang is a bug. An exec plugin is only configured by loading, never run:
/// this target never asks for a credential.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let contents = Array(UnsafeBufferPointer(start: data, count: size))
    let environment = ["HOME": folder, "PATH": "/nonexistent"]
    if let config = try? KubeconfigLoader.load(
        contents: contents, path: folder + "/config", context: nil, environment: environment)
    {
        // Descriptions are what logs show; they must be producible for any loaded config.
        _ = "\(config.server) \(config.displayName) \(config.defaultNamespace) \(config.credentials)"
    }
    return 0
}

/// The kubeconfig's folder, holding the files the seed corpus names by relative path, so that reading
/// certificate, key and token files is exercised too.
private let folder: String = {
    let path = NSTemporaryDirectory() + "barrelman-fuzz-kubeconfig-\(getpid())"
    let pem = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n"
    let key = "-----BEGIN PRIVATE KEY-----\nMIIBfake\n-----END PRIVATE KEY-----\n"
    let files = ["ca.crt": pem, "client.crt": pem, "client.key": key, "token": "fuzz-token\n"]
    do {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, text) in files {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path + "/" + name))
        }
    } catch {
        fatalError("cannot prepare \(path): \(error)")
    }
    return path
}()
