import Foundation
import TestAPIServer

/// A temporary directory for one test's files, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("barrelman-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

extension TestAPIServer {
    /// Writes a kubeconfig for this server (the admin's token unless given, CA as certificate-authority-data)
    /// and returns its path.
    func writeKubeconfig(named name: String, in directory: TemporaryDirectory, token: String? = nil) throws -> String {
        let caData = Data(certificateAuthorityPEM).base64EncodedString()
        let text = """
            apiVersion: v1
            kind: Config
            clusters:
              - name: \(name)
                cluster:
                  server: \(url)
                  certificate-authority-data: \(caData)
            users:
              - name: \(name)-admin
                user:
                  token: \(token ?? adminToken)
            contexts:
              - name: \(name)
                context:
                  cluster: \(name)
                  user: \(name)-admin
                  namespace: default
            current-context: \(name)

            """
        let path = directory.url.appendingPathComponent("\(name).kubeconfig").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
