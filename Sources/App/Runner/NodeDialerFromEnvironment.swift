import Controllers
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KubeAPI

/// The dialer probes use: the nodes themselves, unless the hidden `BARRELMAN_TEST_NODE_DIAL` maps them to
/// loopback listeners (the App tests, the benchmarks and the soak run the binary against fake node addresses,
/// which must never be dialed). Not offered in the README: it exists so no test sends a packet off the machine.
func nodeDialerFromEnvironment() throws -> any NodeDialer {
    guard let rules = ProcessInfo.processInfo.environment["BARRELMAN_TEST_NODE_DIAL"], !rules.isEmpty else {
        return DirectNodeDialer()
    }
    do {
        return try NodeDialRules(parsing: rules)
    } catch {
        throw DialRulesError(description: "BARRELMAN_TEST_NODE_DIAL: \(error)")
    }
}

struct DialRulesError: Error, CustomStringConvertible {
    var description: String
}
