import KubeAPI

/// Objects barrelman wrote in another endpoints mode that the current mode no longer wants.
public struct ModeCleanup: Sendable, Hashable {
    /// The service's Endpoints, when barrelman wrote them and the mode no longer writes Endpoints.
    public var endpoints: Endpoints?
    /// Barrelman's slices of the service, when the mode no longer writes slices.
    public var endpointSlices: [EndpointSlice]

    public init(endpoints: Endpoints? = nil, endpointSlices: [EndpointSlice] = []) {
        self.endpoints = endpoints
        self.endpointSlices = endpointSlices
    }

    /// True when nothing is to be deleted.
    public var isEmpty: Bool { endpoints == nil && endpointSlices.isEmpty }
}

/// What to delete after a mode switch: Endpoints labelled `tfw.io/barrelman: true` in `.endpointSlices` mode,
/// barrelman's slices in `.endpoints` mode. Objects written by others are never included.
public func cleanupForMode(
    _ mode: EndpointsMode, endpoints: Endpoints?, endpointSlices: [EndpointSlice]
) -> ModeCleanup {
    var cleanup = ModeCleanup()
    if !mode.writesEndpoints, let endpoints, BarrelmanLabels.isOurEndpoints(endpoints) {
        cleanup.endpoints = endpoints
    }
    if !mode.writesEndpointSlices {
        cleanup.endpointSlices = endpointSlices.filter(BarrelmanLabels.isOurEndpointSlice)
    }
    return cleanup
}
