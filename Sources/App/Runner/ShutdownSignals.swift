#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// SIGINT/SIGTERM handling: the first signal asks for a graceful stop, the second exits at once.
///
/// Lives outside main.swift on purpose: closures written in top-level code are main-actor isolated, and a
/// dispatch source calls its handler on its own queue, where Swift's isolation check traps (SIGILL).
enum ShutdownSignals {
    /// Installs the handlers; keep the returned sources alive for as long as they should fire.
    static func install(onFirst: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
        let queue = DispatchQueue(label: "barrelman.signals")
        let seen = SignalCounter()
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler { @Sendable in
                if seen.increment() > 1 { exit(1) }
                onFirst()
            }
            source.resume()
            sources.append(source)
        }
        return sources
    }
}

/// Signals seen so far; only touched on the signal queue, which is serial.
private final class SignalCounter: @unchecked Sendable {
    private var count = 0

    func increment() -> Int {
        count += 1
        return count
    }
}
