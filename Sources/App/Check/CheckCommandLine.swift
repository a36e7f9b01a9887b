import AppSupport

/// `barrelman check [-o text|json] [the controller's flags]`, read before the argument parser sees it: the
/// controller's flags must be read by exactly the run command's parser (`BarrelmanCommand`), so this only takes
/// out what belongs to `check` and hands the rest over untouched.
struct CheckCommandLine: Sendable, Equatable {
    enum Output: String, Sendable {
        case text, json
    }

    /// Why the command line is not a valid `check` invocation; exits 2 like any bad command line.
    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    var output: Output = .text
    /// Everything else, normalized by `GoFlags`: what the run command would get.
    var runArguments: [String] = []
    var help = false

    /// The invocation when the first word that is not a flag is `check`; nil for any other command.
    static func parse(_ normalized: [String]) -> Result<CheckCommandLine, Invalid>? {
        guard let position = normalized.firstIndex(where: { !$0.hasPrefix("-") }), normalized[position] == "check"
        else { return nil }
        var rest = normalized
        rest.remove(at: position)
        var line = CheckCommandLine()
        var index = 0
        while index < rest.count {
            let argument = rest[index]
            index += 1
            let name = argument.drop { $0 == "-" }.prefix { $0 != "=" }
            guard argument.hasPrefix("-") else {
                line.runArguments.append(argument)
                continue
            }
            switch name {
            case "o", "output":
                var value: String
                if let equals = argument.firstIndex(of: "=") {
                    value = String(argument[argument.index(after: equals)...])
                } else {
                    guard index < rest.count else { return .failure(Invalid(description: "-o needs a value: text or json")) }
                    value = rest[index]
                    index += 1
                }
                guard let output = Output(rawValue: value) else {
                    return .failure(Invalid(description: "-o \(value): use text or json"))
                }
                line.output = output
            case "h", "help":
                line.help = true
            default:
                line.runArguments.append(argument)
            }
        }
        return .success(line)
    }
}
