/// Rewrites a Go `flag`-style command line into the `-name=value` form the argument parser reads
/// unambiguously, so the original barrelman's command lines work unchanged:
/// - `-name value` and `--name value` become `-name=value`, even when the value starts with `-`
///   (`-ignore-namespace -kube-system`, as Go reads it);
/// - a bare boolean `-nodeportsvc` becomes `-nodeportsvc=true` (Go booleans never take a separate value).
struct GoFlags {
    let valueFlags: Set<String>
    let boolFlags: Set<String>

    func normalize(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("-"), argument != "-", argument != "--" else {
                result.append(argument)
                continue
            }
            let body = argument.drop { $0 == "-" }
            let dashes = argument.hasPrefix("--") ? "--" : "-"
            if body.contains("=") {
                result.append(argument)
            } else if boolFlags.contains(String(body)) {
                result.append("\(dashes)\(body)=true")
            } else if valueFlags.contains(String(body)), index < arguments.count {
                result.append("\(dashes)\(body)=\(arguments[index])")
                index += 1
            } else {
                result.append(argument)
            }
        }
        return result
    }
}

extension GoFlags {
    /// The first flag in a normalized command line that is not defined, as Go's flag package reports it.
    /// The argument parser would read an unknown `-watch` as the short flags `-w -a -t -c -h` and print the
    /// help; Go exits 2 instead. A subcommand's own flags are left to the parser.
    func undefinedFlag(in normalized: [String], subcommands: Set<String>, builtins: Set<String>) -> String? {
        for argument in normalized {
            if argument == "--" || subcommands.contains(argument) { return nil }
            guard argument.hasPrefix("-"), argument != "-" else { continue }
            let name = String(argument.drop { $0 == "-" }.prefix { $0 != "=" })
            if !valueFlags.contains(name) && !boolFlags.contains(name) && !builtins.contains(name) {
                return argument.prefix { $0 != "=" }.description
            }
        }
        return nil
    }
}

/// A Go boolean flag value: `true`, `false`, `1`, `0`, `t`, `f` (any case), as `strconv.ParseBool` reads them.
enum GoBool {
    static func parse(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "1", "t", "true": return true
        case "0", "f", "false": return false
        default: return nil
        }
    }
}

/// A Go duration (`time.ParseDuration`): `90s`, `1m`, `2h`, `1h30m`, `1.5h`, `500ms`.
enum GoDuration {
    static func parse(_ text: String) -> Duration? {
        let units: [(String, Double)] = [
            ("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600),
        ]
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        if rest == "0" { return .zero }
        var seconds = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            // Longest unit first, so "ms" is not read as "m" followed by garbage.
            guard let unit = units.sorted(by: { $0.0.count > $1.0.count }).first(where: { rest.hasPrefix($0.0) }) else {
                return nil
            }
            rest = rest.dropFirst(unit.0.count)
            seconds += value * unit.1
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
