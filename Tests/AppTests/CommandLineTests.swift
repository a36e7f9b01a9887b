import Foundation
import Testing

/// The command line is a compatibility contract with the original barrelman (`CONTRACT.md`): Go `flag`
/// forms, exit 2 with one line on a bad command line, exit 1 on a runtime failure.
@Suite("barrelman command line")
struct CommandLineTests {
    /// Every flag of the contract with the default it must show in `-h` (nil: no default to show).
    static let contractFlags: [(flag: String, defaultValue: String?)] = [
        ("listen-address", ":9193"), ("local-kubeconfig", nil), ("local-context", nil), ("remote-project", nil),
        ("remote-zone", "europe-west1-c"), ("remote-cluster-name", nil), ("resync-period", "2h"),
        ("nec-workers", "4"), ("sc-workers", "2"), ("nodeportsvc", "false"), ("ignore-namespace", nil), ("v", "0"),
    ]

    @Test("-h exits 0 and lists every contract flag, grouped, with its default and the original example")
    func help() async throws {
        let result = try await BarrelmanBinary.run(["-h"])
        #expect(result.exitCode == 0, "\(result)")
        // The help wraps at 80 columns: compare with whitespace runs collapsed.
        let help = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for (flag, defaultValue) in Self.contractFlags {
            let entry = "-\(flag), --\(flag) <\(flag)>"
            let paragraph = help.components(separatedBy: entry).dropFirst().first
            #expect(paragraph != nil, "\(entry) missing from -h:\n\(result.stdout)")
            if let defaultValue, let paragraph {
                let ownText = paragraph.components(separatedBy: ", --").first ?? paragraph
                #expect(ownText.contains("(default: \(defaultValue))"), "-\(flag) does not show default \(defaultValue): \(ownText)")
            }
        }
        #expect(help.contains("the default set (kube-system)"), "the -ignore-namespace default set is not named")
        let groups = ["LOCAL CLUSTER", "REMOTE CLUSTER", "CONTROLLERS:", "OPERATIONS:"]
        let positions = groups.map { help.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil }, "groups missing from -h: \(zip(groups, positions).filter { $1 == nil }.map(\.0))")
        // Each contract flag sits in its group.
        if let local = positions[0], let remote = positions[1], let controllers = positions[2], let operations = positions[3] {
            func position(_ flag: String) -> String.Index? { help.range(of: "-\(flag), --\(flag)")?.lowerBound }
            for flag in ["local-kubeconfig", "local-context"] { #expect(position(flag).map { local < $0 && $0 < remote } == true, "-\(flag)") }
            for flag in ["remote-project", "remote-zone", "remote-cluster-name"] {
                #expect(position(flag).map { remote < $0 && $0 < controllers } == true, "-\(flag)")
            }
            for flag in ["resync-period", "nec-workers", "sc-workers", "nodeportsvc", "ignore-namespace"] {
                #expect(position(flag).map { controllers < $0 && $0 < operations } == true, "-\(flag)")
            }
            for flag in ["listen-address", "v"] { #expect(position(flag).map { operations < $0 } == true, "-\(flag)") }
        }
        #expect(
            help.contains(
                "barrelman -v 3 -local-kubeconfig ~/.kube/config -local-context gke_project_zone_local \\ -remote-project project -remote-cluster-name remote -resync-period 1m"
            ), "the original example is missing:\n\(result.stdout)")
    }

    @Test(
        "a bad command line exits 2 with one line naming the flag",
        arguments: [
            (["-bogus"], "bogus"),
            // Not read as the short flags -n -o … -h (which would print the help and exit 0).
            (["-no-such-flag"], "no-such-flag"),
            (["-local-kubeconfig", "/x", "--watch=true"], "watch"),
            (["-resync-period", "soon"], "resync-period"),
            (["-resync-period=5x"], "resync-period"),
            (["-nodeportsvc=maybe"], "nodeportsvc"),
            (["-require-export=maybe"], "require-export"),
            (["-federate=maybe"], "federate"),
            (["-leader-elect=perhaps"], "leader-elect"),
            (["-endpoints-mode", "carrier-pigeon"], "endpoints-mode"),
            (["-sc-workers", "two"], "sc-workers"),
            (["-listen-address", "nowhere"], "listen-address"),
        ])
    func badCommandLine(arguments: [String], flag: String) async throws {
        let result = try await BarrelmanBinary.run(arguments)
        #expect(result.exitCode == 2, "\(result)")
        #expect(result.stderrLines.count == 1, "\(result)")
        #expect(result.stderr.contains(flag), "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
    }

    /// A run that gets past parsing fails on the missing local kubeconfig: exit 1, naming the path.
    @Test(
        "-flag value, -flag=value and --flag value are all accepted",
        arguments: [
            ["-local-kubeconfig", "PATH", "-resync-period", "90s", "-nodeportsvc", "-v", "3"],
            ["-local-kubeconfig=PATH", "-resync-period=1m", "-nodeportsvc=true", "-v=4", "-require-export"],
            ["--local-kubeconfig", "PATH", "--resync-period", "2h", "--nodeportsvc=false", "--sc-workers", "3"],
            ["-local-kubeconfig", "PATH", "-ignore-namespace", "-kube-system", "-ignore-namespace=monitoring"],
            ["-local-kubeconfig", "PATH", "-leader-elect=false", "-endpoints-mode", "both", "-listen-address", "127.0.0.1:0"],
        ])
    func goFlagForms(arguments: [String]) async throws {
        let missing = FileManager.default.temporaryDirectory
            .appendingPathComponent("barrelman-missing-\(UUID().uuidString)/local.kubeconfig").path
        let result = try await BarrelmanBinary.run(
            arguments.map { $0.replacingOccurrences(of: "PATH", with: missing) } + ["-remote-kubeconfig", missing])
        #expect(result.exitCode == 1, "\(result)")
        #expect(result.stderr.contains(missing), "the error does not name the missing kubeconfig: \(result)")
    }

    @Test("every flag -h lists is accepted in Go form (none is rejected as undefined)")
    func everyListedFlagIsDefined() async throws {
        let help = try await BarrelmanBinary.run(["-h"]).stdout
        // Option entries read `-name, --name <name>`.
        let words = help.split(whereSeparator: \.isWhitespace).map(String.init)
        let names = Set(
            zip(words, words.dropFirst()).compactMap { word, next -> String? in
                guard word.hasPrefix("-"), word.hasSuffix(","), next == "-" + word.dropLast() else { return nil }
                return String(word.dropFirst().dropLast())
            })
        #expect(names.count > 25 && names.contains("remote-cluster-id") && names.contains("nodes-per-service"))
        for name in names.sorted() where name != "h" {
            let result = try await BarrelmanBinary.run(["-\(name)=1", "-local-kubeconfig=/nonexistent/config"])
            #expect(!result.stderr.contains("flag provided but not defined"), "-\(name): \(result.stderr)")
        }
    }

    @Test("the original example command line parses (and fails later without its kubeconfig)")
    func originalExample() async throws {
        let missing = "/nonexistent-\(UUID().uuidString)/config"
        let result = try await BarrelmanBinary.run(
            [
                "-v", "3", "-local-kubeconfig", missing, "-local-context", "gke_project_zone_local",
                "-remote-project", "project", "-remote-cluster-name", "remote", "-resync-period", "1m",
            ])
        #expect(result.exitCode == 1, "\(result)")
        #expect(result.stderr.contains(missing), "\(result)")
    }
}
