import KubeAPI

/// Decodes the input as every KubeAPI model. Decoding errors are expected; a crash, leak or hang is a bug.
/// What decodes must survive a round trip: its encoding decodes, and encoding is stable from then on
/// (the first encoding may normalise, e.g. drop an empty string Kubernetes treats as unset).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // Parsed once; every model reads the same tree, as the client does with a response body.
    try? JSONDocument.withRoot(of: UnsafeRawBufferPointer(start: data, count: size)) { root in
        decodeAll(root)
    }
    return 0
}

private func decodeAll(_ root: JSONNode) {
    decodeAsResource(Service.self, root)
    decodeAsResource(Node.self, root)
    decodeAsResource(NodeSummary.self, root)
    decodeAsResource(Endpoints.self, root)
    decodeAsResource(EndpointSlice.self, root)
    decodeAsResource(Namespace.self, root)
    decodeAsResource(Lease.self, root)
    decodeAsResource(Event.self, root)
    roundTrip(Status.self, root)
}

/// The object itself, a list of it, and a watch event carrying it.
private func decodeAsResource<Resource: KubeResource & Equatable>(_ type: Resource.Type, _ root: JSONNode) {
    roundTrip(Resource.self, root)
    roundTrip(ObjectList<Resource>.self, root)
    roundTrip(WatchEvent<Resource>.self, root)
}

private func roundTrip<Model: JSONCodable & Equatable>(_ type: Model.Type, _ root: JSONNode) {
    guard let value = try? Model(json: root) else { return }
    let normalised = decodeOwnEncoding(of: value)
    let again = decodeOwnEncoding(of: normalised)
    guard again == normalised else {
        fatalError("\(Model.self): encoding is not stable\nonce:  \(normalised)\ntwice: \(again)")
    }
}

private func decodeOwnEncoding<Model: JSONCodable>(of value: Model) -> Model {
    let encoded = JSONDocument.encode(value)
    do {
        return try JSONDocument.decode(Model.self, from: encoded)
    } catch {
        fatalError("\(Model.self): its own encoding does not decode: \(error)\n\(String(decoding: encoded, as: UTF8.self))")
    }
}
