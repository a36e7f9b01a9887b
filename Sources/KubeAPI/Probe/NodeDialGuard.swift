import Synchronization

/// A tripwire for tests: once installed, `DirectNodeDialer` refuses every address outside 127.0.0.0/8 and ::1
/// and reports it, so a test that forgot to give barrelman a loopback dialer fails instead of sending packets
/// to a fake node address. Production never installs it.
public enum NodeDialGuard {
    private static let violationHandler = Mutex<(@Sendable (String) -> Void)?>(nil)

    /// Installs (or replaces) the handler told about each refused dial, e.g. one that records a test failure.
    public static func install(_ handler: @escaping @Sendable (_ description: String) -> Void) {
        violationHandler.withLock { $0 = handler }
    }

    /// Whether a direct dial of `address:port` may go ahead.
    static func permits(address: String, port: Int) -> Bool {
        guard let handler = violationHandler.withLock({ $0 }) else { return true }
        if LoopbackAddress.contains(address) { return true }
        handler("a test dialed \(address):\(port) directly; give barrelman a loopback NodeDialer instead")
        return false
    }
}
