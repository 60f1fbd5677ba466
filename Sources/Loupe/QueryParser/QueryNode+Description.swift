// A readable, Lucene-like rendering of a parsed query, for logs, `--explain` output and tests.
//
// Boolean clauses are written `+x` (must), `x` (should) and `-x` (mustNot); nested booleans are
// parenthesized; `matchAll` is `*:*`. Terms are escaped so that the text of a single clause parses
// back to the same clause; a whole boolean reparses to the same tree under `defaultOperator: .or`
// except for `*:*`, which is only a display form.

extension QueryNode: CustomStringConvertible {
    public var description: String { render(nested: false) }

    private func render(nested: Bool) -> String {
        switch self {
        case let .term(text, field):
            return Self.fieldPrefix(field) + Self.escapeWord(text)
        case let .prefix(text, field):
            return Self.fieldPrefix(field) + Self.escapeWord(text) + "*"
        case let .phrase(text, field, slop):
            var escaped = ""
            for c in text {
                if c == "\"" || c == "\\" { escaped.append("\\") }
                escaped.append(c)
            }
            return Self.fieldPrefix(field) + "\"" + escaped + "\"" + (slop > 0 ? "~\(slop)" : "")
        case let .dateRange(from, to):
            let lower = from.map(ISODate.format) ?? "*"
            var upper = "*"
            if let to {
                // An end-of-day bound came from a date-only upper bound: show it the same way.
                let next = to + 1
                upper = next % 86_400 == 0 ? ISODate.format(next - 86_400) : ISODate.format(to)
            }
            return "date:[\(lower) TO \(upper)]"
        case let .boolean(clauses):
            let inner = clauses.map { clause -> String in
                let sign: String
                switch clause.occur {
                case .must: sign = "+"
                case .should: sign = ""
                case .mustNot: sign = "-"
                }
                return sign + clause.node.render(nested: true)
            }.joined(separator: " ")
            return nested ? "(" + inner + ")" : inner
        case .matchAll:
            return "*:*"
        }
    }

    private static func fieldPrefix(_ field: String?) -> String {
        field.map { escapeWord($0) + ":" } ?? ""
    }

    private static func escapeWord(_ text: String) -> String {
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
