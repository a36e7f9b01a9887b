import CCurl
import CCurlShim
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A libcurl multi handle of its own, on its own thread, that runs node probes in batches.
///
/// Built for thousands of tiny requests a second at a few percent of a core: a whole round (or a slice of it)
/// crosses to the thread under one lock and one wakeup and comes back as one continuation; easy handles are
/// recycled rather than created per probe; bodies and headers are never handed to Swift (only the status
/// counts); at most `maxConcurrent` probes are in flight, the rest wait in the loop's own queue.
/// Connections stay in the multi handle's cache, so an HTTP probe reuses its node's kept-alive connection.
/// The thread drives libcurl by `curl_multi_socket_action` on an epoll set of the in-flight sockets, so a
/// wakeup costs what is ready, not what is in flight (`curl_multi_perform`/`poll` scan every transfer each time).
final class CurlProbeLoop: Sendable {
    struct Inbox {
        var batches: [CurlProbeBatch] = []
        var cancelled: [CurlProbeBatch] = []
        var shutdownRequested = false
        /// Set by the driver just before it frees the multi handle; afterwards nothing may wake it.
        var closed = false
    }

    let multi: CurlPointer
    let inbox = Mutex(Inbox())
    /// An eventfd in the driver's epoll set: written (under the inbox lock, while not closed) to wake it.
    let wakeup: Int32

    /// `maxCachedConnections`: idle connections kept (one per probed node is the point).
    init(maxConcurrent: Int, maxCachedConnections: Int) throws(TransportError) {
        guard CurlGlobal.initialized, let multi = curl_multi_init() else {
            throw .other(code: Int(CURLE_FAILED_INIT.rawValue), message: "libcurl could not create a multi handle")
        }
        let epoll = bm_epoll_create()
        let wakeup = bm_eventfd_create()
        guard epoll >= 0, wakeup >= 0, bm_epoll_watch(epoll, wakeup, 1, 1, 0) == 0 else {
            let reason = "could not set up the probe loop's epoll (errno \(errno))"
            for fd in [epoll, wakeup] where fd >= 0 { close(fd) }
            curl_multi_cleanup(multi)
            throw .other(code: Int(CURLE_FAILED_INIT.rawValue), message: reason)
        }
        self.multi = CurlPointer(raw: multi)
        self.wakeup = wakeup
        _ = bm_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, maxCachedConnections)
        let driver = CurlProbeDriver(loop: self, epoll: epoll, maxConcurrent: max(1, maxConcurrent))
        guard startDetachedThread(name: "bm-probes", { driver.run() }) else {
            driver.detach()
            close(epoll)
            close(wakeup)
            curl_multi_cleanup(multi)
            throw .other(code: Int(CURLE_FAILED_INIT.rawValue), message: "could not start the probe thread")
        }
    }

    /// Runs every request; the results come back in the requests' order.
    func run(_ requests: [CurlProbeRequest]) async -> [NodeProbeResult] {
        guard !requests.isEmpty else { return [] }
        let batch = CurlProbeBatch(requests: requests)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                batch.continuation = continuation
                let accepted = inbox.withLock { inbox in
                    guard !inbox.closed, !inbox.shutdownRequested else { return false }
                    inbox.batches.append(batch)
                    bm_eventfd_signal(wakeup)
                    return true
                }
                if !accepted { batch.finishUnrun() }
            }
        } onCancel: {
            inbox.withLock { inbox in
                guard !inbox.closed, !inbox.shutdownRequested else { return }
                inbox.cancelled.append(batch)
                bm_eventfd_signal(wakeup)
            }
        }
    }

    /// Stops the thread; probes still queued or running end as cancelled.
    func shutdown() {
        inbox.withLock { inbox in
            guard !inbox.closed, !inbox.shutdownRequested else { return }
            inbox.shutdownRequested = true
            bm_eventfd_signal(wakeup)
        }
    }
}

/// One probe as the loop runs it: a URL (already routed by the dialer), a GET or a bare connect.
struct CurlProbeRequest: Sendable {
    var url: String
    var connectOnly: Bool
    var timeoutMilliseconds: Int
}

/// Requests handed over together; owned by the loop thread from submission until its continuation resumes.
final class CurlProbeBatch: @unchecked Sendable {
    let requests: [CurlProbeRequest]
    var results: [NodeProbeResult]
    var continuation: CheckedContinuation<[NodeProbeResult], Never>?
    /// Index of the next request to start.
    var next = 0
    var remaining: Int
    var isCancelled = false
    /// The driver has taken it from the inbox. A cancellation can overtake the batch (the task was cancelled
    /// before it submitted): the driver then ends the batch when it arrives, its continuation set by then.
    var arrived = false

    init(requests: [CurlProbeRequest]) {
        self.requests = requests
        results = Array(repeating: NodeProbeResult(outcome: .failed("cancelled"), duration: .zero), count: requests.count)
        remaining = requests.count
    }

    var hasUnstarted: Bool { !isCancelled && next < requests.count }

    func record(_ index: Int, _ result: NodeProbeResult) {
        results[index] = result
        remaining -= 1
        if remaining == 0 { resume() }
    }

    /// Ends the batch with every unfinished probe cancelled.
    func finishUnrun() {
        remaining = 0
        resume()
    }

    private func resume() {
        continuation?.resume(returning: results)
        continuation = nil
    }
}

/// Runs the probe multi handle on its thread: starts queued probes up to the limit, waits on the in-flight
/// sockets and libcurl's timer, hands libcurl what is ready, collects what finished.
private final class CurlProbeDriver {
    private let loop: CurlProbeLoop
    private let epoll: Int32
    private let maxConcurrent: Int
    private var queued: [CurlProbeBatch] = []
    private var running: [CurlPointer: (handle: CurlProbeHandle, batch: CurlProbeBatch, index: Int)] = [:]
    /// Finished handles kept for the next probes: creating and configuring one costs more than the probe.
    private var spare: [CurlProbeHandle] = []
    private static let maxSpare = 256
    /// Sockets in the epoll set (libcurl's CURLMOPT_SOCKETFUNCTION keeps it to the in-flight ones).
    private var watched = Set<Int32>()
    /// When libcurl wants `curl_multi_socket_action(CURL_SOCKET_TIMEOUT)` (CURLMOPT_TIMERFUNCTION); nil: never.
    private var timerDeadline: ContinuousClock.Instant?
    private let clock = ContinuousClock()

    init(loop: CurlProbeLoop, epoll: Int32, maxConcurrent: Int) {
        self.loop = loop
        self.epoll = epoll
        self.maxConcurrent = maxConcurrent
        let multi = loop.multi.raw
        let me = Unmanaged.passUnretained(self).toOpaque()
        // The thread's closure keeps the driver alive for as long as libcurl may call back.
        _ = bm_multi_setopt_ptr(multi, CURLMOPT_SOCKETDATA, me)
        _ = bm_multi_setopt_ptr(multi, CURLMOPT_TIMERDATA, me)
        _ = bm_multi_setopt_socket_function(multi) { _, socket, what, driver, _ in
            guard let driver else { return -1 }
            Unmanaged<CurlProbeDriver>.fromOpaque(driver).takeUnretainedValue().watch(socket, what)
            return 0
        }
        _ = bm_multi_setopt_timer_function(multi) { _, milliseconds, driver in
            guard let driver else { return -1 }
            Unmanaged<CurlProbeDriver>.fromOpaque(driver).takeUnretainedValue().setTimer(milliseconds)
            return 0
        }
    }

    /// The thread never started: libcurl must not call back into a driver about to go.
    func detach() {
        _ = bm_multi_setopt_ptr(loop.multi.raw, CURLMOPT_SOCKETDATA, nil)
        _ = bm_multi_setopt_ptr(loop.multi.raw, CURLMOPT_TIMERDATA, nil)
    }

    func run() {
        let multi = loop.multi.raw
        var fds = [Int32](repeating: 0, count: 256)
        var flags = [Int32](repeating: 0, count: 256)
        var stillRunning: Int32 = 0
        while true {
            let (batches, cancelled, shutdown) = loop.inbox.withLock { inbox in
                defer {
                    inbox.batches = []
                    inbox.cancelled = []
                }
                return (inbox.batches, inbox.cancelled, inbox.shutdownRequested)
            }
            for batch in batches {
                batch.arrived = true
                if batch.isCancelled { batch.finishUnrun() } else { queued.append(batch) }
            }
            for batch in cancelled { cancel(batch, multi: multi) }
            if shutdown {
                close(multi)
                return
            }
            startQueued(multi)
            let ready = bm_epoll_wait(epoll, &fds, &flags, Int32(fds.count), waitMilliseconds())
            for index in 0..<max(0, Int(ready)) {
                if fds[index] == loop.wakeup {
                    bm_eventfd_drain(loop.wakeup)
                } else {
                    _ = curl_multi_socket_action(multi, fds[index], flags[index], &stillRunning)
                }
            }
            if let deadline = timerDeadline, clock.now >= deadline {
                timerDeadline = nil
                _ = curl_multi_socket_action(multi, -1 /* CURL_SOCKET_TIMEOUT */, 0, &stillRunning)
            }
            collectFinished(multi)
        }
    }

    /// How long epoll may sleep: until libcurl's timer, at most a second (a lost wakeup costs no more).
    private func waitMilliseconds() -> Int32 {
        guard let deadline = timerDeadline else { return 1000 }
        let left = clock.now.duration(to: deadline)
        guard left > .zero else { return 0 }
        return Int32(min(1000, left.curlMilliseconds))
    }

    fileprivate func watch(_ socket: Int32, _ what: Int32) {
        if what == CURL_POLL_REMOVE {
            if watched.remove(socket) != nil { _ = bm_epoll_unwatch(epoll, socket) }
            return
        }
        let readable: Int32 = what & CURL_POLL_IN != 0 ? 1 : 0
        let writable: Int32 = what & CURL_POLL_OUT != 0 ? 1 : 0
        let known = watched.contains(socket)
        // A closed socket leaves the epoll set by itself, and its number may come back as a new socket: whichever
        // of add and modify the set disagrees with, the other one is right.
        if bm_epoll_watch(epoll, socket, known ? 0 : 1, readable, writable) != 0 {
            _ = bm_epoll_watch(epoll, socket, known ? 1 : 0, readable, writable)
        }
        watched.insert(socket)
    }

    fileprivate func setTimer(_ milliseconds: Int) {
        timerDeadline = milliseconds < 0 ? nil : clock.now.advanced(by: .milliseconds(milliseconds))
    }

    private func startQueued(_ multi: UnsafeMutableRawPointer) {
        while running.count < maxConcurrent, let batch = queued.first {
            guard batch.hasUnstarted else {
                queued.removeFirst()
                continue
            }
            let index = batch.next
            batch.next += 1
            let request = batch.requests[index]
            guard let handle = spare.popLast() ?? CurlProbeHandle() else {
                batch.record(index, NodeProbeResult(outcome: .failed("libcurl could not create a handle"), duration: .zero))
                continue
            }
            guard handle.configure(for: request), curl_multi_add_handle(multi, handle.easy.raw) == CURLM_OK else {
                batch.record(index, NodeProbeResult(outcome: .failed("libcurl refused the probe"), duration: .zero))
                continue
            }
            running[handle.easy] = (handle, batch, index)
        }
    }

    private func collectFinished(_ multi: UnsafeMutableRawPointer) {
        forEachFinishedTransfer(of: multi) { easy, code in
            guard let entry = running.removeValue(forKey: easy) else { return }
            let result = entry.handle.result(code, connectOnly: entry.batch.requests[entry.index].connectOnly)
            curl_multi_remove_handle(multi, easy.raw)
            recycle(entry.handle)
            entry.batch.record(entry.index, result)
        }
    }

    private func cancel(_ batch: CurlProbeBatch, multi: UnsafeMutableRawPointer) {
        guard !batch.isCancelled, batch.remaining > 0 else { return }
        batch.isCancelled = true
        guard batch.arrived else { return }
        for (easy, entry) in running where entry.batch === batch {
            running[easy] = nil
            // Removing a handle mid-transfer closes its connection.
            curl_multi_remove_handle(multi, easy.raw)
            recycle(entry.handle)
        }
        queued.removeAll { $0 === batch }
        batch.finishUnrun()
    }

    private func recycle(_ handle: CurlProbeHandle) {
        if spare.count < Self.maxSpare { spare.append(handle) }
    }

    private func close(_ multi: UnsafeMutableRawPointer) {
        let leftovers = loop.inbox.withLock { inbox in
            inbox.closed = true
            defer { inbox.batches = [] }
            return inbox.batches
        }
        for (easy, _) in running { curl_multi_remove_handle(multi, easy.raw) }
        let batches = queued + leftovers + running.values.map(\.batch)
        running = [:]
        queued = []
        spare = []
        for batch in batches where batch.remaining > 0 { batch.finishUnrun() }
        curl_multi_cleanup(multi)
        Glibc.close(epoll)
        Glibc.close(loop.wakeup)
    }
}
