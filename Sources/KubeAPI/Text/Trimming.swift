extension StringProtocol {
    /// Without leading and trailing ASCII whitespace (space, tab, CR, LF, VT, FF), as Go's strings.TrimSpace
    /// treats the files and headers we read; Foundation's trimmingCharacters without Foundation.
    package func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" || $0 == "\u{0B}" || $0 == "\u{0C}" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
