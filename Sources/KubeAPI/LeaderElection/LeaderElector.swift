#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import Synchronization

/// Leader election on a coordination.k8s.io/v1 Lease, following client-go's `leaderelection` package.
///
/// A lease held by another is taken over only when `leaseDuration` passed on OUR clock since we saw the
/// record last change (never by comparing the record's renewTime with our clock, which may be skewed).
/// Writes carry the observed resourceVersion, so of two candidates writing at once one gets 409 and retries.
public final class LeaderElector: Sendable {
    /// client-go's `JitterFactor`: acquire attempts are `retryPeriod` plus up to 1.2 × that apart.
    public static let jitterFactor = 1.2

    public let config: LeaderElectionConfig
    private let client: KubeClient
    private let logger: Logger
    private let state = Mutex(ElectorState())
    /// Asked before each attempt to acquire: false keeps this candidate watching the lease without writing
    /// it (a shard at its fair share), so once it competes again it knows how long the record stood still.
    private let shouldCompete: @Sendable () -> Bool

    private struct ElectorState {
        /// The lease as last read or written, for its resourceVersion.
        var lease: Lease?
        /// The record as last seen, and when (our clock) it last changed.
        var observedSpec: LeaseSpec?
        var observedTime: ContinuousClock.Instant?
        var leading = false
        /// Set by `releaseWhenStopped`: release on cancellation even without `releaseOnCancel`.
        var releaseRequested = false
    }

    public init(
        client: KubeClient, config: LeaderElectionConfig,
        logger: Logger = Logger(label: "barrelman.leaderelection"),
        shouldCompete: @escaping @Sendable () -> Bool = { true }
    ) {
        self.client = client
        self.config = config
        self.shouldCompete = shouldCompete
        var logger = logger
        logger[metadataKey: "lease"] = "\(config.leaseNamespace)/\(config.leaseName)"
        logger[metadataKey: "identity"] = "\(config.identity)"
        self.logger = logger
        if let inconsistency = config.inconsistency {
            logger.warning("Leader election durations are inconsistent: \(inconsistency)")
        }
    }

    /// Whether this instance holds the lease and its `lead` closure runs.
    public var isLeader: Bool { state.withLock { $0.leading } }

    /// The holder last observed on the lease; nil when none was seen or the lease was released.
    public var currentLeader: String? {
        state.withLock { state in
            guard let holder = state.observedSpec?.holderIdentity, !holder.isEmpty else { return nil }
            return holder
        }
    }

    /// Makes the next cancellation of `run` release the lease, whatever `releaseOnCancel` says: a shard above
    /// its fair share hands one remote over at once and keeps running.
    public func releaseWhenStopped() {
        state.withLock { $0.releaseRequested = true }
    }

    /// Campaigns until cancelled. Call it once per elector. While this instance holds the lease, `lead` runs; it is cancelled (and awaited)
    /// as soon as renewal fails for renewDeadline — before the lease can expire for others — or on cancellation,
    /// after which the lease is released (holderIdentity cleared) so a successor takes over at once.
    public func run(lead: @escaping @Sendable () async -> Void) async {
        while !Task.isCancelled {
            guard let acquiredAt = await acquire() else { break }
            state.withLock { $0.leading = true }
            logger.info("Acquired the lease; leading")
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await lead() }
                await renewUntilLost(lastRenewal: acquiredAt)
                // Not leading any more before `lead` is told, so isLeader never outlives our claim.
                state.withLock { $0.leading = false }
                group.cancelAll()
                await group.waitForAll()
            }
            if Task.isCancelled {
                logger.info("Stopped leading: cancelled")
                break
            }
            logger.warning("Stopped leading: could not renew the lease within renewDeadline")
        }
        // Also when cancelled while campaigning again after a late renewal: the record may still name us.
        // `release` checks that it does before clearing it.
        if config.releaseOnCancel || state.withLock({ $0.releaseRequested }) {
            // A fresh task: the cancelled one would cancel the release request too.
            await Task { await self.release() }.value
        }
    }

    // MARK: campaign

    /// Tries to acquire every `retryPeriod` (jittered) until it succeeds; returns when the successful attempt
    /// started, or nil when cancelled.
    private func acquire() async -> ContinuousClock.Instant? {
        while !Task.isCancelled {
            let started = ContinuousClock.now
            if !shouldCompete() {
                _ = await withDeadline(started + config.renewDeadline, { await self.observe() })
            } else if await withDeadline(started + config.renewDeadline, { await self.tryAcquireOrRenew() }) == true {
                return started
            }
            let jitter = config.retryPeriod * (Double.random(in: 0..<1) * Self.jitterFactor)
            do {
                try await Task.sleep(for: config.retryPeriod + jitter)
            } catch {
                return nil
            }
        }
        return nil
    }

    /// Renews every `retryPeriod`; returns once no renewal succeeded for `renewDeadline` (counted from the
    /// start of the last successful one), or when cancelled.
    private func renewUntilLost(lastRenewal: ContinuousClock.Instant) async {
        var lastRenewal = lastRenewal
        while true {
            do {
                try await Task.sleep(for: config.retryPeriod)
            } catch {
                return
            }
            let deadline = lastRenewal + config.renewDeadline
            var renewed = false
            while !renewed {
                let started = ContinuousClock.now
                guard started < deadline else { return }
                if await withDeadline(deadline, { await self.tryAcquireOrRenew() }) == true {
                    lastRenewal = started
                    renewed = true
                } else {
                    if Task.isCancelled { return }
                    let pause = min(config.retryPeriod, ContinuousClock.now.duration(to: deadline))
                    do {
                        if pause > .zero { try await Task.sleep(for: pause) }
                    } catch {
                        return
                    }
                }
            }
        }
    }

    /// Reads the lease and notes when its record last changed, writing nothing.
    private func observe() async -> Bool? {
        guard let current = try? await client.get(Lease.self, name: config.leaseName, namespace: config.leaseNamespace)
        else { return nil }
        noteObserved(current, at: .now)
        return true
    }

    /// Records `current` as seen at `now`; the observation time moves only when the record changed.
    @discardableResult
    private func noteObserved(_ current: Lease, at now: ContinuousClock.Instant) -> ContinuousClock.Instant {
        state.withLock { state in
            if state.observedSpec != current.spec || state.observedTime == nil {
                state.observedSpec = current.spec
                state.observedTime = now
            }
            state.lease = current
            return state.observedTime ?? now
        }
    }

    /// One attempt, as client-go's `tryAcquireOrRenew`: create the lease, or take it over when it is free or
    /// expired by our clock, or renew it when we hold it.
    private func tryAcquireOrRenew() async -> Bool {
        let now = ContinuousClock.now
        let timestamp = MicroTime.format(Date())
        // Rounded up: others must never wait less than we assume they do.
        let recordedSeconds = Int32(clamping: Int(max(1, (config.leaseDuration / .seconds(1)).rounded(.up))))
        var desired = LeaseSpec(
            holderIdentity: config.identity, leaseDurationSeconds: recordedSeconds, acquireTime: timestamp,
            renewTime: timestamp, leaseTransitions: 0)

        let current: Lease
        do {
            current = try await client.get(Lease.self, name: config.leaseName, namespace: config.leaseNamespace)
        } catch where error.isNotFound {
            let lease = Lease(
                metadata: ObjectMeta(name: config.leaseName, namespace: config.leaseNamespace), spec: desired)
            do {
                let created = try await client.create(lease)
                record(created, changedAt: now)
                return true
            } catch {
                logger.debug("Could not create the lease: \(error)")
                return false
            }
        } catch {
            logger.debug("Could not read the lease: \(error)")
            return false
        }

        let observed = (time: noteObserved(current, at: now), spec: current.spec)
        let holder = observed.spec.holderIdentity ?? ""
        let heldByUs = holder == config.identity
        if !holder.isEmpty, !heldByUs {
            // Our leaseDuration, or the holder's if it promised longer.
            let recordDuration = Duration.seconds(Int64(observed.spec.leaseDurationSeconds ?? 0))
            if observed.time + max(config.leaseDuration, recordDuration) > now { return false }
        }

        if heldByUs {
            desired.acquireTime = observed.spec.acquireTime ?? timestamp
            desired.leaseTransitions = observed.spec.leaseTransitions ?? 0
        } else {
            desired.leaseTransitions = (observed.spec.leaseTransitions ?? 0) + 1
        }
        var updated = current
        updated.spec = desired
        do {
            let written = try await client.update(updated)
            record(written, changedAt: now)
            return true
        } catch {
            // 409: someone else wrote since we read; the next attempt sees their record.
            logger.debug("Could not update the lease: \(error)")
            return false
        }
    }

    /// Clears the lease if we hold it: holder "", 1 s duration, so the next candidate takes it at once.
    /// Reads the lease first: a renewal cut short by the cancellation may have landed, leaving our copy stale.
    private func release() async {
        let deadline = ContinuousClock.now + config.renewDeadline
        let released = await withDeadline(deadline) { () async -> Bool? in
            for _ in 0..<3 {
                let lease: Lease
                do {
                    lease = try await self.client.get(
                        Lease.self, name: self.config.leaseName, namespace: self.config.leaseNamespace)
                } catch {
                    self.logger.warning("Could not release the lease: \(error)")
                    return false
                }
                guard lease.spec.holderIdentity == self.config.identity else { return false }
                var cleared = lease
                let timestamp = MicroTime.format(Date())
                cleared.spec = LeaseSpec(
                    holderIdentity: "", leaseDurationSeconds: 1, acquireTime: timestamp, renewTime: timestamp,
                    leaseTransitions: lease.spec.leaseTransitions)
                do throws(KubeError) {
                    let written = try await self.client.update(cleared)
                    self.record(written, changedAt: .now)
                    return true
                } catch where error.isConflict {
                    continue  // written meanwhile; read again
                } catch {
                    self.logger.warning("Could not release the lease: \(error)")
                    return false
                }
            }
            return false
        }
        if released == true { logger.info("Released the lease") }
    }

    private func record(_ lease: Lease, changedAt time: ContinuousClock.Instant) {
        state.withLock { state in
            state.lease = lease
            state.observedSpec = lease.spec
            state.observedTime = time
        }
    }
}

/// Runs `operation`, giving up (and cancelling it) at `deadline`; nil when the deadline came first.
private func withDeadline<T: Sendable>(
    _ deadline: ContinuousClock.Instant, _ operation: @escaping @Sendable () async -> T?
) async -> T? {
    await withTaskGroup(of: T?.self) { group in
        group.addTask { await operation() }
        group.addTask {
            try? await Task.sleep(until: deadline, clock: .continuous)
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        return first
    }
}
