import AppSupport
import Testing

/// The Go `flag` conventions the original barrelman's command lines rely on.
@Suite("Go flag syntax")
struct GoFlagsTests {
    let flags = GoFlags(valueFlags: ["resync-period", "ignore-namespace", "v"], boolFlags: ["nodeportsvc"])

    @Test("-name value, --name value and -name=value all become -name=value")
    func normalizesValues() {
        #expect(flags.normalize(["-resync-period", "1m"]) == ["-resync-period=1m"])
        #expect(flags.normalize(["--resync-period", "1m"]) == ["--resync-period=1m"])
        #expect(flags.normalize(["-resync-period=1m", "-v", "3"]) == ["-resync-period=1m", "-v=3"])
    }

    @Test("a value may start with a dash, as Go reads -ignore-namespace -kube-system")
    func dashedValue() {
        #expect(flags.normalize(["-ignore-namespace", "-kube-system"]) == ["-ignore-namespace=-kube-system"])
    }

    @Test("a bare boolean is true and never takes the next argument")
    func booleans() {
        #expect(flags.normalize(["-nodeportsvc", "-v", "3"]) == ["-nodeportsvc=true", "-v=3"])
        #expect(flags.normalize(["-nodeportsvc=false"]) == ["-nodeportsvc=false"])
    }

    @Test("an undefined flag is reported, a subcommand's flags are left alone")
    func undefinedFlags() {
        let subcommands: Set<String> = ["demo"]
        #expect(flags.undefinedFlag(in: ["-watch"], subcommands: subcommands, builtins: ["h"]) == "-watch")
        #expect(flags.undefinedFlag(in: ["--bogus=1"], subcommands: subcommands, builtins: ["h"]) == "--bogus")
        #expect(flags.undefinedFlag(in: ["-v=3", "-h"], subcommands: subcommands, builtins: ["h"]) == nil)
        #expect(flags.undefinedFlag(in: ["demo", "-exit-after-script"], subcommands: subcommands, builtins: []) == nil)
    }

    @Test(
        "Go durations",
        arguments: [
            ("90s", Duration.seconds(90)), ("1m", .seconds(60)), ("2h", .seconds(7200)), ("1h30m", .seconds(5400)),
            ("1.5h", .seconds(5400)), ("500ms", .milliseconds(500)), ("0", .zero),
        ])
    func durations(text: String, expected: Duration) {
        #expect(GoDuration.parse(text) == expected)
    }

    @Test("not durations", arguments: ["", "soon", "5x", "1", "m", "1h-", "h1"])
    func notDurations(text: String) {
        #expect(GoDuration.parse(text) == nil)
    }

    @Test("Go booleans, as strconv.ParseBool reads them")
    func goBooleans() {
        for text in ["1", "t", "T", "true", "TRUE", "True"] { #expect(GoBool.parse(text) == true, "\(text)") }
        for text in ["0", "f", "F", "false", "FALSE", "False"] { #expect(GoBool.parse(text) == false, "\(text)") }
        for text in ["", "yes", "maybe", "2"] { #expect(GoBool.parse(text) == nil, "\(text)") }
    }
}
