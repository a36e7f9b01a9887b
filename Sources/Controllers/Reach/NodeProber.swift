import KubeAPI
import Logging
import Synchronization

/// Probes the remote nodes that served services use, the way cloud load balancers probe node ports, and
/// publishes a `Reachability` whenever a verdict changes. It writes nothing to any API: the endpoint controller
/// reads the verdicts through its node candidates, so a failing node is taken out exactly as a not-ready one.
///
/// One probe per node per period, however many services use it (plus one per node of each
/// `externalTrafficPolicy: Local` service with a `healthCheckNodePort`), at most `maxConcurrentProbes` at once.
/// A round in which every node probe fails changes nothing (fail open): when no node answers, the fault is as
/// likely on this side (a NetworkPolicy, a firewall) and taking every node out would be an outage.
public final class NodeProber: Sendable {
    private let settings: ReachSettings
    private let client: NodeProbeClient
    private let recorder: EventRecorder
    private let metrics: ControllerMetrics
    private let logger: Logger
    private let state: Mutex<ProberState>

    struct ProberState {
        var nodes: [String: NodeProbeState] = [:]
        var services: [ServiceNodeKey: NodeProbeState] = [:]
        var selector: HealthCheckModeSelector
        /// Consecutive rounds in which every node probe failed.
        var everywhereFailingRounds = 0
        var published = Reachability.unknown
    }

    struct ServiceNodeKey: Hashable {
        var service: ObjectKey
        var node: String
    }

    public init(
        settings: ReachSettings, client: NodeProbeClient, recorder: EventRecorder, metrics: ControllerMetrics,
        logger: Logger
    ) {
        self.settings = settings
        self.client = client
        self.recorder = recorder
        self.metrics = metrics
        self.logger = logger
        state = Mutex(
            ProberState(
                selector: HealthCheckModeSelector(mode: settings.mode, failureThreshold: settings.failureThreshold)))
    }

    /// What the probes say now.
    public var reachability: Reachability { state.withLock { $0.published } }

    /// Probes a round every period until cancelled; `inputs` nil skips a round (nothing to probe yet).
    public func run(inputs: @escaping @Sendable () -> ProbeInputs?, onChange: @escaping @Sendable (Reachability) -> Void)
        async
    {
        guard settings.mode != .off else { return }
        let clock = ContinuousClock()
        while !Task.isCancelled {
            let started = clock.now
            if let inputs = inputs(), let changed = await round(inputs) { onChange(changed) }
            try? await clock.sleep(until: started.advanced(by: settings.period))
        }
        client.shutdown()
    }

    // MARK: one round

    private enum Job: Sendable {
        case node(name: String, address: String, ProbeKind)
        /// While on TCP, the health port of one node, to notice it opening.
        case healthRecheck(address: String)
        case service(ObjectKey, node: String, address: String, port: Int)
    }

    private enum ProbeKind: Sendable {
        case http(port: Int)
        case tcp(port: Int)
    }

    private struct Result: Sendable {
        var job: Job
        var outcome: ProbeOutcome
    }

    /// Probes once; returns the new reachability when it differs from the published one.
    func round(_ inputs: ProbeInputs) async -> Reachability? {
        let jobs = plan(inputs)
        guard !jobs.isEmpty else { return nil }
        let results = await probeAll(jobs)
        return apply(results, inputs: inputs)
    }

    private func plan(_ inputs: ProbeInputs) -> [Job] {
        let (probing, recheck, failing) = state.withLock { state in
            (
                state.selector.probing, state.selector.rechecksHealthPort,
                Set(state.nodes.lazy.filter { !$0.value.reachable }.map(\.key))
            )
        }
        // Failing nodes stay probed while the API keeps them, also once they left every subset, to see them back.
        let names = inputs.used.union(failing)
        var jobs: [Job] = []
        jobs.reserveCapacity(names.count)
        for name in names {
            guard let address = inputs.candidates[name] else { continue }
            switch probing {
            case .http: jobs.append(.node(name: name, address: address, .http(port: settings.healthPort)))
            case .tcp:
                if let port = inputs.tcpPort { jobs.append(.node(name: name, address: address, .tcp(port: port))) }
            }
        }
        if recheck, let name = names.min(), let address = inputs.candidates[name] {
            jobs.append(.healthRecheck(address: address))
        }
        for (service, check) in inputs.serviceHealth {
            for node in check.nodes {
                guard let address = inputs.candidates[node] else { continue }
                jobs.append(.service(service, node: node, address: address, port: check.port))
            }
        }
        return jobs
    }

    /// Runs every job, their starts spread over the part of the period that a probe's timeout leaves free: each
    /// 10 ms slice of the window goes to the probe loop as one batch (which keeps at most `maxConcurrentProbes`
    /// in flight), so few probes are in flight at once (a burst of thousands of connects is what a node-port
    /// firewall may rate-limit), and the round still ends within its period, so detection times do not grow.
    private func probeAll(_ jobs: [Job]) async -> [Result] {
        let window = max(.zero, settings.period - settings.timeout) * 0.9
        let ticks = max(1, min(jobs.count, Int(window / .milliseconds(10))))
        let perTick = (jobs.count + ticks - 1) / ticks
        let clock = ContinuousClock()
        let start = clock.now
        return await withTaskGroup(of: [Result].self, returning: [Result].self) { group in
            for (tick, first) in stride(from: 0, to: jobs.count, by: perTick).enumerated() {
                if tick > 0 { try? await clock.sleep(until: start.advanced(by: window / ticks * tick)) }
                let batch = Array(jobs[first..<min(first + perTick, jobs.count)])
                group.addTask { await self.probe(batch) }
            }
            var results: [Result] = []
            results.reserveCapacity(jobs.count)
            for await batch in group { results.append(contentsOf: batch) }
            return results
        }
    }

    private func probe(_ jobs: [Job]) async -> [Result] {
        let probes = jobs.map { job -> NodeProbe in
            switch job {
            case .node(_, let address, .http(let port)):
                NodeProbe(address: address, port: port, kind: .http(path: settings.healthPath))
            case .node(_, let address, .tcp(let port)): NodeProbe(address: address, port: port, kind: .tcp)
            case .healthRecheck(let address):
                NodeProbe(address: address, port: settings.healthPort, kind: .http(path: settings.healthPath))
            case .service(_, _, let address, let port):
                NodeProbe(address: address, port: port, kind: .http(path: settings.healthPath))
            }
        }
        let results = await client.probe(probes)
        metrics.nodesProbed(results.map { (ProbeResultLabel($0.outcome).rawValue, $0.duration) })
        return zip(jobs, results).map { Result(job: $0, outcome: $1.outcome) }
    }

    /// What a probe of `job` was, for logs and Events: built only when one says something.
    private func target(of job: Job) -> String {
        switch job {
        case .node(_, let address, .http(let port)), .service(_, _, let address, let port):
            "\(Self.authority(address, port))\(settings.healthPath)"
        case .healthRecheck(let address): "\(Self.authority(address, settings.healthPort))\(settings.healthPath)"
        case .node(_, let address, .tcp(let port)): "tcp \(Self.authority(address, port))"
        }
    }

    private func summary(_ result: Result) -> ProbeOutcomeSummary {
        ProbeOutcomeSummary(target: target(of: result.job), seen: result.outcome.description)
    }

    private static func authority(_ address: String, _ port: Int) -> String {
        address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
    }

    // MARK: verdicts

    private struct Transition {
        var node: String
        var reachable: Bool
        var seen: ProbeOutcomeSummary
    }

    private func apply(_ results: [Result], inputs: ProbeInputs) -> Reachability? {
        let thresholds = (failure: settings.failureThreshold, success: settings.successThreshold)
        var transitions: [Transition] = []
        var logs: [String] = []
        let nodeResults = results.filter { if case .node = $0.job { true } else { false } }
        let everywhereFailing = !nodeResults.isEmpty && !nodeResults.contains { $0.outcome.passed }
        let (published, changed, modeChange, failOpenChange) = state.withLock {
            state -> (Reachability, Bool, HealthCheckModeSelector.Change, Bool?) in
            // How the health port fared this round, for -node-health-check auto.
            let healthResults = results.filter {
                switch $0.job {
                case .node(_, _, .http), .healthRecheck: true
                default: false
                }
            }
            let modeChange = state.selector.record(
                .init(healthProbes: healthResults.count, healthAnswers: healthResults.count { $0.outcome.gotAnswer }))
            if modeChange != .none {
                // Verdicts from the other kind of probe are no evidence for this one.
                state.nodes = [:]
                state.everywhereFailingRounds = 0
            }
            let wasFailingOpen = state.everywhereFailingRounds >= settings.failureThreshold
            state.everywhereFailingRounds = everywhereFailing ? state.everywhereFailingRounds + 1 : 0
            let failingOpen = state.everywhereFailingRounds >= settings.failureThreshold
            if modeChange == .none && !everywhereFailing {
                for result in nodeResults {
                    guard case .node(let name, _, _) = result.job else { continue }
                    var node = state.nodes[name] ?? NodeProbeState()
                    let before = (node.consecutiveFailures, node.reachable)
                    if node.record(passed: result.outcome.passed, thresholds: thresholds) {
                        transitions.append(Transition(node: name, reachable: node.reachable, seen: summary(result)))
                    } else if before.0 == 0 && !result.outcome.passed {
                        logs.append("remote node \(name): probe \(summary(result)) (1 of \(thresholds.failure) failures)")
                    }
                    state.nodes[name] = node
                }
            }
            // Nodes the API no longer offers are forgotten: they come back as new, reachable until shown otherwise.
            state.nodes = state.nodes.filter { inputs.candidates[$0.key] != nil }
            var serviceFailing: [ObjectKey: Set<String>] = [:]
            var seenServices = Set<ServiceNodeKey>()
            for result in results {
                guard case .service(let service, let node, _, _) = result.job else { continue }
                let key = ServiceNodeKey(service: service, node: node)
                seenServices.insert(key)
                var probeState = state.services[key] ?? NodeProbeState()
                if probeState.record(passed: result.outcome.passed, thresholds: thresholds) {
                    logs.append(
                        "remote node \(node) \(probeState.reachable ? "again holds" : "holds no") endpoint of \(service) "
                            + "by its health check node port (\(summary(result)))")
                }
                state.services[key] = probeState
                if !probeState.reachable { serviceFailing[service, default: []].insert(node) }
            }
            state.services = state.services.filter { seenServices.contains($0.key) }
            let unreachable = Set(state.nodes.lazy.filter { !$0.value.reachable }.map(\.key))
            metrics.remoteNodesUnreachable(failingOpen ? nodeResults.count : unreachable.count)
            let fresh = Reachability(
                unreachable: failingOpen ? [] : unreachable, failingOpen: failingOpen,
                serviceHealthFailing: serviceFailing)
            let changed = fresh != state.published
            state.published = fresh
            return (fresh, changed, modeChange, wasFailingOpen == failingOpen ? nil : failingOpen)
        }
        report(transitions: transitions, logs: logs, modeChange: modeChange, failOpen: failOpenChange, results: results)
        return changed ? published : nil
    }

    private func report(
        transitions: [Transition], logs: [String], modeChange: HealthCheckModeSelector.Change, failOpen: Bool?,
        results: [Result]
    ) {
        for line in logs { logger.debug("\(line)") }
        for transition in transitions {
            let message =
                transition.reachable
                ? "remote node \(transition.node) answers its probes again (\(transition.seen)); its endpoints are ready again"
                : "remote node \(transition.node) fails its probes (\(transition.seen)) while its API may still say Ready; "
                    + "its endpoints are not ready until it answers"
            logger.info("\(message)")
            recorder.record(
                onRemoteNode: transition.node, type: transition.reachable ? Event.normal : Event.warning,
                reason: transition.reachable ? "RemoteNodeReachable" : "RemoteNodeUnreachable", message: message)
        }
        switch modeChange {
        case .fellBackToTCP:
            let port = settings.healthPort
            let seen = sample(results) { if case .node(_, _, .http) = $0 { true } else { false } }
            logger.warning(
                "the node health port \(port) answers on no remote node\(seen); probing node ports by TCP instead. Open TCP \(port) from this cluster's nodes and pods to the remote nodes to probe kube-proxy's health, or set -node-health-check tcp")
        case .backToHealthPort:
            logger.info("the node health port \(settings.healthPort) answers again; probing it instead of node ports")
        case .none:
            break
        }
        switch failOpen {
        case true?:
            let seen = sample(results) { if case .node = $0 { true } else { false } }
            logger.warning(
                "every probed remote node fails its probes\(seen); keeping them as the API says (fail open): check NetworkPolicies and firewalls between this cluster and the remote nodes (barrelman check)")
        case false?:
            logger.info("remote nodes answer probes again; probe verdicts apply again")
        case nil:
            break
        }
    }

    /// " (TARGET: OUTCOME)" of the first result whose job matches, or "".
    private func sample(_ results: [Result], where matches: (Job) -> Bool) -> String {
        guard let result = results.first(where: { matches($0.job) }) else { return "" }
        return " (\(summary(result)))"
    }
}

/// `barrelman_node_probes_total{result}`.
enum ProbeResultLabel: String {
    case success, httpError = "http_error", refused, timeout, error

    init(_ outcome: ProbeOutcome) {
        switch outcome {
        case .answered: self = outcome.passed ? .success : .httpError
        case .refused: self = .refused
        case .timedOut: self = .timeout
        case .failed: self = .error
        }
    }
}
