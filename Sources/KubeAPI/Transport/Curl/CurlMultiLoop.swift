import CCurl
import CCurlShim
import Synchronization

/// The front door of the one curl multi handle: Swift tasks queue work here and wake the loop thread.
///
/// The multi handle itself belongs to `CurlMultiDriver`, which runs on its own thread; the only call made
/// on it from other threads is `curl_multi_wakeup`, which libcurl allows, and only under the inbox lock
/// while the driver has not yet cleaned the handle up.
final class CurlMultiLoop: Sendable {
    enum Command {
        case add(CurlTransfer)
        case cancel(CurlTransfer)
        case resume(CurlTransfer)
    }

    struct Inbox {
        var commands: [Command] = []
        var shutdownRequested = false
        /// Set by the driver just before it frees the multi handle; afterwards nothing may wake it.
        var closed = false
    }

    let multi: CurlPointer
    let inbox = Mutex(Inbox())

    /// `maxCachedConnections`: idle connections kept for reuse (libcurl's default is 4 per transfer added).
    init(maxCachedConnections: Int? = nil) throws(TransportError) {
        guard CurlGlobal.initialized, let multi = curl_multi_init() else {
            throw .other(code: Int(CURLE_FAILED_INIT.rawValue), message: "libcurl could not create a multi handle")
        }
        self.multi = CurlPointer(raw: multi)
        _ = bm_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        if let maxCachedConnections { _ = bm_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, maxCachedConnections) }
        let driver = CurlMultiDriver(loop: self)
        guard startDetachedThread(name: "bm-http", { driver.run() }) else {
            curl_multi_cleanup(multi)
            throw .other(code: Int(CURLE_FAILED_INIT.rawValue), message: "could not start the HTTP transport thread")
        }
    }

    /// Hands a configured transfer to the loop; it completes through its continuation.
    func submit(_ transfer: CurlTransfer) {
        if !enqueue(.add(transfer)) {
            transfer.complete(nil)
        }
    }

    /// Aborts the transfer if it is still running (or about to run).
    func cancel(_ transfer: CurlTransfer) {
        transfer.cancelRequested.store(true, ordering: .releasing)
        _ = enqueue(.cancel(transfer))
    }

    /// Resumes a transfer paused for backpressure.
    func resume(_ transfer: CurlTransfer) {
        _ = enqueue(.resume(transfer))
    }

    /// Stops the loop thread; running transfers fail with `.cancelled`.
    func shutdown() {
        inbox.withLock { inbox in
            guard !inbox.closed, !inbox.shutdownRequested else { return }
            inbox.shutdownRequested = true
            curl_multi_wakeup(multi.raw)
        }
    }

    private func enqueue(_ command: Command) -> Bool {
        inbox.withLock { inbox in
            guard !inbox.closed, !inbox.shutdownRequested else { return false }
            inbox.commands.append(command)
            curl_multi_wakeup(multi.raw)
            return true
        }
    }
}

/// Runs the multi handle on a dedicated thread: add/remove handles, perform, poll, collect results.
private final class CurlMultiDriver {
    private let loop: CurlMultiLoop
    private var running: [CurlPointer: CurlTransfer] = [:]

    init(loop: CurlMultiLoop) {
        self.loop = loop
    }

    func run() {
        let multi = loop.multi.raw
        while true {
            let (commands, shutdown) = loop.inbox.withLock { inbox in
                let commands = inbox.commands
                inbox.commands = []
                return (commands, inbox.shutdownRequested)
            }
            for command in commands {
                handle(command, multi: multi)
            }
            if shutdown {
                close(multi)
                return
            }
            var stillRunning: Int32 = 0
            _ = curl_multi_perform(multi, &stillRunning)
            collectFinished(multi)
            // Sleeps until a socket is ready, a libcurl timer fires or curl_multi_wakeup is called.
            _ = curl_multi_poll(multi, nil, 0, 1000, nil)
        }
    }

    private func handle(_ command: CurlMultiLoop.Command, multi: UnsafeMutableRawPointer) {
        switch command {
        case .add(let transfer):
            if transfer.cancelRequested.load(ordering: .acquiring) {
                transfer.complete(nil)
                return
            }
            let code = curl_multi_add_handle(multi, transfer.easy.raw)
            guard code == CURLM_OK else {
                transfer.complete(CURLE_FAILED_INIT)
                return
            }
            running[transfer.easy] = transfer
            if transfer.timing != nil { transfer.timing?.added = StageTrace.now() }
        case .cancel(let transfer):
            guard let transfer = running.removeValue(forKey: transfer.easy) else { return }
            // Removing a handle mid-transfer closes its connection (or resets its HTTP/2 stream).
            curl_multi_remove_handle(multi, transfer.easy.raw)
            transfer.complete(nil)
        case .resume(let transfer):
            guard running[transfer.easy] != nil else { return }
            _ = curl_easy_pause(transfer.easy.raw, Int32(CURLPAUSE_CONT))
        }
    }

    private func collectFinished(_ multi: UnsafeMutableRawPointer) {
        forEachFinishedTransfer(of: multi) { easy, result in
            guard let transfer = running.removeValue(forKey: easy) else { return }
            curl_multi_remove_handle(multi, easy.raw)
            transfer.complete(result)
        }
    }

    private func close(_ multi: UnsafeMutableRawPointer) {
        let leftovers = loop.inbox.withLock { inbox in
            inbox.closed = true
            let leftovers = inbox.commands
            inbox.commands = []
            return leftovers
        }
        for case .add(let transfer) in leftovers {
            transfer.complete(nil)
        }
        for transfer in running.values {
            curl_multi_remove_handle(multi, transfer.easy.raw)
            transfer.complete(nil)
        }
        running = [:]
        curl_multi_cleanup(multi)
    }
}
