import KubeAPI
import Synchronization

/// EndpointSlice keys per service, kept in step with a slice informer, so finding one service's slices does not
/// scan every cached slice: a node change reconciles every service, which would otherwise cost services x slices.
final class ServiceSliceIndex: Sendable {
    private let index = Mutex<[ObjectKey: Set<ObjectKey>]>([:])

    /// The service a slice belongs to, from its `kubernetes.io/service-name` label.
    static func serviceKey(of slice: ObjectMeta) -> ObjectKey? {
        slice.labels[EndpointSlice.serviceNameLabel].map { ObjectKey(namespace: slice.namespace, name: $0) }
    }

    /// Applies one informer event (handlers run in event order after the store changed).
    func apply<Slice: KubeResource>(_ event: InformerEvent<Slice>) {
        index.withLock { index in
            func remove(_ slice: Slice) {
                guard let service = Self.serviceKey(of: slice.metadata) else { return }
                index[service]?.remove(ObjectKey(of: slice))
                if index[service]?.isEmpty == true { index[service] = nil }
            }
            func insert(_ slice: Slice) {
                guard let service = Self.serviceKey(of: slice.metadata) else { return }
                index[service, default: []].insert(ObjectKey(of: slice))
            }
            switch event {
            case .added(let slice): insert(slice)
            case .updated(let old, let new):
                remove(old)
                insert(new)
            case .deleted(let slice, _): remove(slice)
            }
        }
    }

    /// The slices of `service` in `informer`'s cache, sorted by key.
    func slices<Slice: KubeResource>(of service: ObjectKey, in informer: Informer<Slice>) -> [Slice] {
        let keys = index.withLock { $0[service] ?? [] }
        return keys.sorted().compactMap { informer.get($0) }.filter { Self.serviceKey(of: $0.metadata) == service }
    }
}
