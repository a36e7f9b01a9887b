/// Rewrites a Go `flag`-style command line into the `-name=value` form the argument parser reads
/// unambiguously, so the original barrelman's command lines work unchanged:
/// - `-name value` and `--name value` become `-name=value`, even when the value starts with `-`
///   (`-ignore-namespace -kube-system`, as Go reads it);
/// - a bare boolean `-nodeportsvc` becomes `-nodeportsvc=true` (Go booleans never take a separate value).
public struct GoFlags: Sendable {
    public let valueFlags: Set<String>
    public let boolFlags: Set<String>

    /// Flags taking a value, and booleans (which never take a separate value).
    public init(valueFlags: Set<String>, boolFlags: Set<String>) {
        self.valueFlags = valueFlags
        self.boolFlags = boolFlags
    }

    /// The command line in `-name=value` form.
    public func normalize(_ arguments: [String]) -> [String] {
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
    public func undefinedFlag(in normalized: [String], subcommands: Set<String>, builtins: Set<String>) -> String? {
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
