/// How the query kinds write themselves back as query text (`description`): escaped so that
/// the text of a single clause parses back to the same clause.
enum QuerySyntax {
    static func fieldPrefix(_ field: String?) -> String {
        field.map { escapeWord($0) + ":" } ?? ""
    }

    static func escapeWord(_ text: String) -> String {
        if text == "OR" || text == "AND" || text == "NOT" || text == "||" || text == "&&" { return "\\" + text }
        var out = ""
        for (k, c) in text.enumerated() {
            if QueryLexer.isWordBoundary(c) || c == "\\" || c == "*" || c == "~" || c == "^" || (k == 0 && (c == "+" || c == "-")) {
                out.append("\\")
            }
            out.append(c)
        }
        return out
    }

    /// A boost or other factor as query text: `2` rather than `2.0`, otherwise Swift's shortest
    /// round-tripping form (`0.5`).
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
