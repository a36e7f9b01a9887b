import Controllers
import KubeAPI

/// What the controllers would find now, judged by their own pure decisions (`planService`, `endpointDuty`,
/// `orphanedLocalServices`): mirrors missing or without ready endpoints, orphans, and names another writer holds.
enum MirrorCheck {
    static func run(local: KubeClient, remote: KubeClient, settings: ControllerSettings) async -> [CheckResult] {
        let state: MirrorState
        do {
            state = try await MirrorState.read(local: local, remote: remote, settings: settings)
        } catch {
            return [
                .warn(
                    "mirrors", "cannot list what the controllers read: \(error.description)",
                    fix: "see the permissions checks above")
            ]
        }
        return [mirrors(state, settings: settings), orphans(state, settings: settings), ownership(state, settings: settings)]
    }

    /// Qualifying remote services without a mirror, and mirrors this instance serves without a ready endpoint.
    static func mirrors(_ state: MirrorState, settings: ControllerSettings) -> CheckResult {
        let qualifying = state.remoteServices.filter { remoteServiceQualifies($0, settings: settings) }
        var missing: [String] = []
        for remote in qualifying {
            let local = state.localService(ObjectKey(of: remote))
            if case .create = planService(remote: remote, local: local, settings: settings) { missing.append(ObjectKey(of: remote).description) }
        }
        var notReady: [String] = []
        var served = 0
        for service in state.localServices {
            guard case .serve = duty(service, state: state, settings: settings) else { continue }
            served += 1
            if !state.hasReadyEndpoint(service, mode: settings.endpointsMode) { notReady.append(ObjectKey(of: service).description) }
        }
        var problems: [String] = []
        var fixes: [String] = []
        if !missing.isEmpty {
            problems.append("not mirrored yet: \(list(missing))")
            fixes.append("barrelman creates mirrors while it leads: see the leader check and its logs")
        }
        if !notReady.isEmpty {
            problems.append("no ready endpoint: \(list(notReady))")
            fixes.append(
                "the remote has no ready node for them, or barrelman has not written them: see `kubectl describe service` Events and barrelman's logs")
        }
        let summary = "\(qualifying.count) remote services qualify, \(served) local services served by this instance"
        guard problems.isEmpty else {
            return .warn("mirrors", summary + "; " + problems.joined(separator: "; "), fix: fixes.joined(separator: "; "))
        }
        return .pass("mirrors", summary + (served > 0 ? ", each with a ready endpoint" : ""))
    }

    static func orphans(_ state: MirrorState, settings: ControllerSettings) -> CheckResult {
        let orphans = orphanedLocalServices(local: state.localServices, remote: state.remoteServices, settings: settings)
        guard !orphans.isEmpty else { return .pass("orphans", "no mirror of this identity outlived its remote service") }
        return .warn(
            "orphans", "mirrors whose remote service is gone or no longer qualifies: \(list(orphans.map { ObjectKey(of: $0).description }))",
            fix: "barrelman deletes them once it leads; if it leads, its logs say why it cannot (it needs delete on services)")
    }

    /// Names this instance wants that another writer holds: mirrors, and endpoint objects of served services.
    static func ownership(_ state: MirrorState, settings: ControllerSettings) -> CheckResult {
        var clashes: [String] = []
        for remote in state.remoteServices {
            let local = state.localService(ObjectKey(of: remote))
            if case .conflict(let holder) = planService(remote: remote, local: local, settings: settings) {
                clashes.append("service \(ObjectKey(of: remote)) is held by \(holder)")
            }
        }
        for service in state.localServices {
            if case .conflict(let holder) = duty(service, state: state, settings: settings) {
                clashes.append("endpoints of \(ObjectKey(of: service)) are held by \(holder)")
            }
        }
        guard !clashes.isEmpty else { return .pass("ownership", "no name this instance wants is held by another writer") }
        return .warn(
            "ownership", clashes.joined(separator: "; "),
            fix: "rename or remove the other object, or annotate the service barrelman.tfw.io/remote-cluster=\(settings.ownership.identity) (README \"Ownership\")"
        )
    }

    private static func duty(_ service: Service, state: MirrorState, settings: ControllerSettings) -> EndpointDuty {
        endpointDuty(
            service: service, existingSlices: state.slices(of: service), existingEndpoints: state.endpoints(of: service),
            settings: settings)
    }

    /// The first few names, and how many more.
    static func list(_ names: [String], limit: Int = 5) -> String {
        let shown = names.prefix(limit).joined(separator: ", ")
        return names.count > limit ? "\(shown) and \(names.count - limit) more" : shown
    }
}

/// What the controllers' informers would hold, read once: remote services, and the local objects barrelman's
/// label selectors watch.
struct MirrorState {
    var remoteServices: [Service]
    var localServices: [Service]
    var localSlices: [EndpointSlice]
    var localEndpoints: [Endpoints]

    static func read(local: KubeClient, remote: KubeClient, settings: ControllerSettings) async throws(KubeError) -> MirrorState {
        async let remoteServices = remote.listAll(Service.self)
        async let localServices = local.listAll(
            Service.self, options: ListOptions(labelSelector: BarrelmanLabels.localServiceSelector))
        async let localSlices = local.listAll(
            EndpointSlice.self, options: ListOptions(labelSelector: BarrelmanLabels.endpointSliceSelector))
        async let localEndpoints = local.listAll(
            Endpoints.self, options: ListOptions(labelSelector: BarrelmanLabels.endpointsSelector))
        do {
            return MirrorState(
                remoteServices: try await remoteServices.items, localServices: try await localServices.items,
                localSlices: try await localSlices.items, localEndpoints: try await localEndpoints.items)
        } catch let error as KubeError {
            throw error
        } catch {
            throw .credentials("\(error)")
        }
    }

    func localService(_ key: ObjectKey) -> Service? {
        localServices.first { ObjectKey(of: $0) == key }
    }

    func slices(of service: Service) -> [EndpointSlice] {
        let owner = ObjectKey(of: service)
        return localSlices.filter {
            ObjectKey(namespace: $0.metadata.namespace, name: $0.metadata.labels[BarrelmanLabels.serviceNameLabel] ?? "") == owner
        }
    }

    func endpoints(of service: Service) -> Endpoints? {
        let owner = ObjectKey(of: service)
        return localEndpoints.first { ObjectKey(of: $0) == owner }
    }

    /// A ready endpoint in what this mode writes (an EndpointSlice endpoint's unset `ready` counts as ready, as
    /// kube-proxy reads it).
    func hasReadyEndpoint(_ service: Service, mode: EndpointsMode) -> Bool {
        if mode.writesEndpointSlices {
            return slices(of: service).contains { slice in slice.endpoints.contains { $0.conditions.ready != false } }
        }
        return endpoints(of: service)?.subsets.contains { !$0.addresses.isEmpty } ?? false
    }
}
