import KubeAPI
import Synchronization

/// Prints what barrelman does in the local cluster as it happens, from informers on the local objects.
final class DemoNarrator: Sendable {
    let services: Informer<Service>
    let slices: Informer<EndpointSlice>
    private let printer: @Sendable (String) -> Void
    /// Last line printed per slice, so a resync or a no-op update prints nothing.
    private let lastSliceLine = Mutex<[String: String]>([:])

    init(local: KubeClient, printer: @escaping @Sendable (String) -> Void) {
        var serviceOptions = InformerOptions()
        serviceOptions.labelSelector = "tfw.io/barrelman"
        services = Informer(client: local, options: serviceOptions)
        var sliceOptions = InformerOptions()
        sliceOptions.labelSelector = "endpointslice.kubernetes.io/managed-by=barrelman.tfw.io"
        slices = Informer(client: local, options: sliceOptions)
        self.printer = printer
        services.addHandler { [self] event in narrate(event) }
        slices.addHandler { [self] event in narrate(event) }
    }

    func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.services.run() }
            group.addTask { await self.slices.run() }
        }
    }

    private func narrate(_ event: InformerEvent<Service>) {
        switch event {
        case .added(let service):
            printer("  local: created service \(Self.name(service))  \(Self.describe(service))")
        case .updated(let old, let new):
            guard old.spec.ports != new.spec.ports || old.spec.type != new.spec.type else { return }
            printer("  local: updated service \(Self.name(new))  \(Self.describe(new))")
        case .deleted(let service, _):
            printer("  local: deleted service \(Self.name(service))")
        }
    }

    private func narrate(_ event: InformerEvent<EndpointSlice>) {
        let slice: EndpointSlice
        switch event {
        case .added(let added): slice = added
        case .updated(_, let new): slice = new
        case .deleted: return  // deleted with its service; the service line says so
        }
        let service = slice.metadata.labels[EndpointSlice.serviceNameLabel] ?? slice.metadata.name
        let ready = slice.endpoints.filter { $0.conditions.ready == true }.flatMap(\.addresses)
        let notReady = slice.endpoints.filter { $0.conditions.ready != true }.flatMap(\.addresses)
        let ports = slice.ports.compactMap { $0.port.map(String.init) }.joined(separator: ",")
        var line = "  local: endpoints of \(slice.metadata.namespace ?? "")/\(service) -> "
        line += ready.isEmpty ? "no ready node" : ready.joined(separator: ", ")
        if !notReady.isEmpty { line += "  (not ready: \(notReady.joined(separator: ", ")))" }
        line += "  port \(ports)"
        let key = "\(slice.metadata.namespace ?? "")/\(slice.metadata.name)"
        let isNew = lastSliceLine.withLock { last -> Bool in
            guard last[key] != line else { return false }
            last[key] = line
            return true
        }
        if isNew { printer(line) }
    }

    private static func name(_ service: Service) -> String {
        "\(service.metadata.namespace ?? "")/\(service.metadata.name)"
    }

    private static func describe(_ service: Service) -> String {
        let ports = service.spec.ports.map { port in
            let target = port.targetPort.map { target -> String in
                switch target {
                case .int(let value): return String(value)
                case .string(let name): return name
                }
            } ?? String(port.port)
            return "\(port.name ?? "") \(port.port)->\(target)"
        }
        return "\(service.spec.type) \(service.spec.clusterIP ?? "")  ports \(ports.joined(separator: ", "))"
    }
}
