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
            if QueryLexer.isWordBoundary(c) || c == "\\" || c == "*" || (k == 0 && (c == "+" || c == "-")) {
                out.append("\\")
            }
            out.append(c)
        }
        return out
    }
}
