import KubeAPI

/// What the local informers watch: only objects barrelman manages, so a big local cluster costs nothing.
extension BarrelmanLabels {
    /// Services whose endpoints barrelman maintains (created by people, or by barrelman).
    public static let localServiceSelector = "\(key) in (\(userManaged),\(managedResource))"
    /// Endpoints written by barrelman.
    public static let endpointsSelector = "\(key)=\(endpointsWritten)"
    /// EndpointSlices written by barrelman.
    public static let endpointSliceSelector = "\(managedByLabel)=\(managedByValue)"
}

extension ServiceAction {
    /// The `action` label of `barrelman_service_update_total`, as the original names them.
    var metricAction: String {
        switch self {
        case .none, .conflict: return "None"
        case .create: return "Add"
        case .update: return "Update"
        case .delete: return "Delete"
        }
    }
}
