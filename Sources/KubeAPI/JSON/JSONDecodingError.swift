/// Why a JSON document could not be turned into a model, and where: `spec.ports[2].port: expected an integer`.
public struct JSONDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Path from the document's root, outermost first (`["spec", "ports", "[2]", "port"]`).
    public var path: [String]
    public var message: String

    public init(path: [String] = [], _ message: String) {
        self.path = path
        self.message = message
    }

    /// The same error seen from one level further out.
    func under(_ component: String) -> JSONDecodingError {
        JSONDecodingError(path: [component] + path, message)
    }

    public var description: String {
        guard !path.isEmpty else { return message }
        var rendered = ""
        for component in path {
            if component.hasPrefix("[") || rendered.isEmpty {
                rendered += component
            } else {
                rendered += "." + component
            }
        }
        return "\(rendered): \(message)"
    }
}
