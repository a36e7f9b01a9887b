/// A Go boolean flag value: `true`, `false`, `1`, `0`, `t`, `f` (any case), as `strconv.ParseBool` reads them.
public enum GoBool {
    /// The value, or nil when it is not a Go boolean.
    public static func parse(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "1", "t", "true": return true
        case "0", "f", "false": return false
        default: return nil
        }
    }
}
