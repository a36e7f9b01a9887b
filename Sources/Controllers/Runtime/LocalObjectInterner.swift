import KubeAPI

/// Shares the metadata values that barrelman's local objects repeat: every mirror carries the same label and
/// annotation keys, the same ownership annotations and label map, every slice the same annotation map, and
/// objects written in the same second the same creation timestamp. Applied by the local informers as their
/// transform; the objects are unchanged in value (writes still send every field), only their storage is shared.
///
/// Strings of up to 15 bytes are stored inside the `String` value itself, so only longer ones are interned;
/// values unique to one object (uids) are left alone.
public final class LocalObjectInterner: Sendable {
    private let strings = ValueInterner<String>()
    private let maps = ValueInterner<[String: String]>()
    private let lists = ValueInterner<[String]>(generationSize: 64)

    public init() {}

    public func intern(_ service: Service) -> Service {
        var service = service
        service.metadata = intern(service.metadata)
        if !service.spec.ipFamilies.isEmpty { service.spec.ipFamilies = lists.intern(service.spec.ipFamilies) }
        return service
    }

    public func intern(_ slice: EndpointSlice) -> EndpointSlice {
        var slice = slice
        slice.metadata = intern(slice.metadata)
        return slice
    }

    public func intern(_ endpoints: Endpoints) -> Endpoints {
        var endpoints = endpoints
        endpoints.metadata = intern(endpoints.metadata)
        return endpoints
    }

    func intern(_ meta: ObjectMeta) -> ObjectMeta {
        var meta = meta
        meta.namespace = meta.namespace.map(intern)
        meta.creationTimestamp = meta.creationTimestamp.map(intern)
        if !meta.labels.isEmpty { meta.labels = intern(meta.labels) }
        if !meta.annotations.isEmpty { meta.annotations = intern(meta.annotations) }
        return meta
    }

    func intern(_ map: [String: String]) -> [String: String] {
        maps.intern(map) { map in
            var shared: [String: String] = [:]
            shared.reserveCapacity(map.count)
            for (key, value) in map { shared[intern(key)] = intern(value) }
            return shared
        }
    }

    func intern(_ string: String) -> String {
        string.utf8.count <= 15 ? string : strings.intern(string)
    }
}
