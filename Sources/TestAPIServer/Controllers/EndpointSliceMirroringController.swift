import Synchronization

/// Runs `EndpointSliceMirroring` as kube-controller-manager runs it: committed writes of Endpoints, selector-less
/// Services and mirrored slices queue their Endpoints name (`keys(for:)`), up to five workers sync one name
/// each, and every slice write goes through the same write path as a client's (the write cost model's shared
/// timeline included), so mirroring costs what it costs on a cluster. Its writes are not client requests:
/// injected faults and the request counters leave them out.
final class EndpointSliceMirroringController: Sendable {
    /// kube-controller-manager's `--mirroring-concurrent-service-endpoint-syncs` default.
    static let workers = 5
    /// kube's workqueue retries a failing key this often before dropping it.
    static let maxRetries = 15

    private struct Queue {
        var pending: [String] = []
        var queued: Set<String> = []
        var processing: Set<String> = []
        var workers = 0
        var retries: [String: Int] = [:]
    }

    private let queue = Mutex(Queue())

    /// The `namespace/name` of the Endpoints a committed write concerns, when the mirroring controller's
    /// informers would queue it.
    static func keys(for event: HistoryEvent) -> [String] {
        guard let namespace = event.object.namespace else { return [] }
        let previous = event.previous
        switch event.resource {
        case .endpoints:
            let mirrorable =
                EndpointSliceMirroring.shouldMirror(event.object) || previous.map(EndpointSliceMirroring.shouldMirror) == true
            return mirrorable ? ["\(namespace)/\(event.object.name)"] : []
        case .services:
            let selectorless = !EndpointSliceMirroring.hasSelector(event.object)
            let changed = previous.map { EndpointSliceMirroring.hasSelector($0) } != !selectorless
            let relevant = event.type == .modified ? changed : selectorless
            return relevant ? ["\(namespace)/\(event.object.name)"] : []
        case .endpointSlices:
            let names = [event.object, previous].compactMap { $0 }.filter(EndpointSliceMirroring.isMirrored)
                .compactMap { $0.labels[EndpointSliceMirroring.serviceNameLabel] }
            return Set(names).sorted().map { "\(namespace)/\($0)" }
        default:
            return []
        }
    }

    /// Queues `keys`; starts workers (tasks that end when the queue is empty) up to `workers`.
    func enqueue(_ keys: [String], state: APIServerState) {
        let start = queue.withLock { queue -> Int in
            for key in keys where queue.queued.insert(key).inserted { queue.pending.append(key) }
            let wanted = min(Self.workers, queue.pending.count) - queue.workers
            guard wanted > 0 else { return 0 }
            queue.workers += wanted
            return wanted
        }
        for _ in 0..<start {
            Task { [self] in await work(state) }
        }
    }

    /// Whether nothing is queued or being synced (tests wait for it rather than for a time).
    var isIdle: Bool {
        queue.withLock { $0.pending.isEmpty && $0.processing.isEmpty }
    }

    private func work(_ state: APIServerState) async {
        while let key = next() {
            let failed: Bool
            do {
                try await sync(key, state: state)
                failed = false
            } catch {
                failed = true
            }
            finish(key, failed: failed, state: state)
        }
    }

    /// The next key no other worker holds; nil (and one worker fewer) when there is none.
    private func next() -> String? {
        queue.withLock { queue in
            guard let index = queue.pending.firstIndex(where: { !queue.processing.contains($0) }) else {
                queue.workers -= 1
                return nil
            }
            let key = queue.pending.remove(at: index)
            queue.queued.remove(key)
            queue.processing.insert(key)
            return key
        }
    }

    private func finish(_ key: String, failed: Bool, state: APIServerState) {
        let retry = queue.withLock { queue -> Int? in
            queue.processing.remove(key)
            guard failed else {
                queue.retries[key] = nil
                return nil
            }
            let attempt = queue.retries[key, default: 0] + 1
            guard attempt <= Self.maxRetries else {
                queue.retries[key] = nil
                return nil
            }
            queue.retries[key] = attempt
            return attempt
        }
        guard let retry else { return }
        // kube's per-item exponential backoff, from 5 ms.
        let delay = Duration.milliseconds(5 << min(retry - 1, 10))
        Task { [self] in
            try? await Task.sleep(for: delay)
            enqueue([key], state: state)
        }
    }

    private func sync(_ key: String, state: APIServerState) async throws(APIError) {
        guard let slash = key.firstIndex(of: "/") else { return }
        let namespace = String(key[..<slash])
        let name = String(key[key.index(after: slash)...])
        let (endpoints, service, existing) = try state.withStore { store in
            let objectKey = StorageKey.make(namespace: namespace, name: name)
            let mirrored = (store.objects[.endpointSlices] ?? [:]).values.filter {
                $0.namespace == namespace && EndpointSliceMirroring.isMirrored($0)
                    && $0.labels[EndpointSliceMirroring.serviceNameLabel] == name
            }
            return (store.object(.endpoints, key: objectKey), store.object(.services, key: objectKey), mirrored)
        }
        let plan = EndpointSliceMirroring.plan(endpoints: endpoints, service: service, existing: existing)
        for slice in plan.create {
            do {
                try await write(state, verb: "create", body: slice) { store throws(APIError) in
                    _ = try store.create(.endpointSlices, namespace: namespace, body: slice)
                }
            } catch where error.isNamespaceTerminating {
                return  // kube drops the key: creates keep failing until the namespace is gone
            }
        }
        for slice in plan.update {
            try await write(state, verb: "update", body: slice) { store throws(APIError) in
                _ = try store.update(.endpointSlices, namespace: namespace, name: slice.name, body: slice)
            }
        }
        for sliceName in plan.delete {
            do {
                try await write(state, verb: "delete", body: nil) { store throws(APIError) in
                    _ = try store.delete(.endpointSlices, namespace: namespace, name: sliceName, options: .none)
                }
            } catch where error.code == 404 {
                continue
            }
        }
    }

    /// One write at its place on the write cost model's timeline, answered after its latency, like a client's.
    private func write(
        _ state: APIServerState, verb: String, body: JSON?, _ apply: (inout StoreState) throws(APIError) -> Void
    ) async throws(APIError) {
        let turn = state.writeScheduler?.reserve(verb: verb, bodyBytes: body?.serialized().count ?? 0)
        let result: Result<Void, APIError>
        do {
            try await state.withStore(dryRun: false, in: turn, apply)
            result = .success(())
        } catch {
            result = .failure(error)
        }
        if let turn, let scheduler = state.writeScheduler { await scheduler.respond(turn) }
        try result.get()
    }
}

extension APIError {
    /// The create failed because its namespace is being deleted (kube's `NamespaceTerminating` cause).
    var isNamespaceTerminating: Bool {
        guard code == 403, let causes = details?["causes"]?.arrayValue else { return false }
        return causes.contains { $0["reason"]?.stringValue == "NamespaceTerminating" }
    }
}
