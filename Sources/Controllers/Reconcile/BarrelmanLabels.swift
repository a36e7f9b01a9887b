import KubeAPI

/// The labels and annotations barrelman reads and writes; the keys are the original's contract.
public enum BarrelmanLabels {
    /// The one key: a label on local services and endpoints, an annotation on remote services.
    public static let key = "tfw.io/barrelman"
    /// Local service created by a person: barrelman maintains its endpoints only.
    public static let userManaged = "true"
    /// Local service created by barrelman: it maintains endpoints and may update or delete the service.
    public static let managedResource = "managed-resource"
    /// Remote service annotation value: never mirror this service.
    public static let ignore = "ignore"
    /// Label value on Endpoints barrelman wrote.
    public static let endpointsWritten = "true"

    /// Remote service annotation that exports it: with `-require-export`, only services carrying it with
    /// `exportValue` are mirrored (as an MCS ServiceExport).
    public static let exportAnnotation = "barrelman.tfw.io/export"
    /// The `export` value that exports a service; anything else does not.
    public static let exportValue = "true"

    /// Annotation on every object barrelman writes: the identity of the remote cluster it serves (see
    /// `Ownership`). On a service labelled `true` by a person, it names the instance that serves it.
    public static let remoteClusterAnnotation = "barrelman.tfw.io/remote-cluster"
    /// Annotation on every object barrelman writes: the namespace scope of the instance that wrote it.
    public static let scopeAnnotation = "barrelman.tfw.io/scope"
    /// Annotation on mirrored services: the remote service's uid.
    public static let remoteUIDAnnotation = "barrelman.tfw.io/remote-uid"

    /// EndpointSlice label naming the service it belongs to.
    public static let serviceNameLabel = "kubernetes.io/service-name"
    /// EndpointSlice label naming the controller that owns it.
    public static let managedByLabel = "endpointslice.kubernetes.io/managed-by"
    /// The `managed-by` value of slices barrelman writes.
    public static let managedByValue = "barrelman.tfw.io"
    /// Endpoints label that stops Kubernetes mirroring them into slices (set when barrelman writes slices itself).
    public static let skipMirrorLabel = "endpointslice.kubernetes.io/skip-mirror"
    /// The `skip-mirror` value.
    public static let skipMirrorValue = "true"

    /// True when a local service was created by barrelman and may be updated or deleted by it.
    public static func isManagedResource(_ meta: ObjectMeta) -> Bool {
        meta.labels[key] == managedResource
    }

    /// True when an EndpointSlice was written by barrelman.
    public static func isOurEndpointSlice(_ slice: EndpointSlice) -> Bool {
        slice.metadata.labels[managedByLabel] == managedByValue
    }

    /// True when Endpoints were written by barrelman.
    public static func isOurEndpoints(_ endpoints: Endpoints) -> Bool {
        endpoints.metadata.labels[key] == endpointsWritten
    }
}
