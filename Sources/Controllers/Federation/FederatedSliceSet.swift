import KubeAPI

/// What sets one source cluster's EndpointSlices of a federated service apart: its name tag, its
/// `multicluster.kubernetes.io/source-cluster` label, and what the other sources read of it (creation time,
/// ports, priority), beside the ownership annotations every slice carries.
public struct FederatedSliceSet: Sendable, Hashable {
    /// The source's identity; its hash goes into the slice names.
    public var source: String
    public var labels: [String: String]
    public var annotations: [String: String]
    /// A source ranked before this one has a ready endpoint: these endpoints are written not ready.
    public var standsBy: Bool

    /// The set of this mirror's remote service `remote`, carrying `ports` (its share of the union).
    public init(remote: Service, ports: [ServicePort], standsBy: Bool, settings: ControllerSettings) {
        source = settings.ownership.identity
        labels = [BarrelmanLabels.sourceClusterLabel: Self.labelValue(settings.remoteClusterName, or: source)]
        annotations = [BarrelmanLabels.sourcePortsAnnotation: FederationSource.encodePorts(ports)]
        if let created = remote.metadata.creationTimestamp {
            annotations[BarrelmanLabels.sourceCreatedAnnotation] = created
        }
        if let priority = settings.priority { annotations[BarrelmanLabels.priorityAnnotation] = String(priority) }
        self.standsBy = standsBy
    }

    /// A valid label value naming the source: the remote's name (its identity without one), with what a label
    /// value may not hold turned into `-`, at most 63 characters, starting and ending alphanumeric.
    static func labelValue(_ name: String, or identity: String) -> String {
        let raw = name.isEmpty ? identity : name
        let allowed = { (c: Character) in c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_" || c == ".") }
        var value = Substring(String(raw.map { allowed($0) ? $0 : "-" }).prefix(63))
        let alphanumeric = { (c: Character) in c.isASCII && (c.isLetter || c.isNumber) }
        while let first = value.first, !alphanumeric(first) { value = value.dropFirst() }
        while let last = value.last, !alphanumeric(last) { value = value.dropLast() }
        return String(value)
    }
}
