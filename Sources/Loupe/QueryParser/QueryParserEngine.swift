// Recursive-descent parser over QueryLexer's tokens.
//
//   query   := orExpr
//   orExpr  := andExpr ("OR" andExpr)*
//   andExpr := unary (["AND"] unary)*
//   unary   := ("+" | "-" | "NOT") primary | primary
//   primary := "(" orExpr ")" | clause
//   clause  := word | word* | "phrase"[~N] | field ":" (word | word* | "phrase"[~N] | "(" orExpr ")")
//            | "date:" ("[" bound "TO" bound "]" | date | "date")

struct QueryParserEngine {
    private let tokens: [QueryToken]
    private var p = 0
    private let defaultOccur: Occur
    private let knownFields: Set<String>
    private var depth = 0

    /// Deeper parenthesis nesting is rejected rather than risking the stack.
    static let maxDepth = 200

    /// The field that is always accepted, whether or not it is in `knownFields`.
    static let dateField = "date"

    init(tokens: [QueryToken], defaultOperator: DefaultOperator, knownFields: Set<String>) {
        self.tokens = tokens
        self.defaultOccur = defaultOperator == .and ? .must : .should
        self.knownFields = knownFields
    }

    private func error(_ message: String, _ position: Int) -> LoupeError {
        .invalidQuery(message: message, position: position)
    }

    private var current: QueryToken? { p < tokens.count ? tokens[p] : nil }

    mutating func parse() throws -> any Query {
        if tokens.isEmpty { return MatchAllQuery() }
        let node = try parseOr(field: nil)
        if let t = current {
            // parseOr only stops early at a ')'.
            throw error("')' without a matching '('", t.start)
        }
        return node
    }

    // MARK: - Structure

    private static func canStartPrimary(_ t: QueryToken?) -> Bool {
        guard let t else { return false }
        switch t.kind {
        case .word, .phrase, .field, .range, .lparen: return true
        default: return false
        }
    }

    private static func canStartUnary(_ t: QueryToken?) -> Bool {
        guard let t else { return false }
        switch t.kind {
        case .plus, .minus, .not: return true
        default: return canStartPrimary(t)
        }
    }

    private mutating func parseOr(field: String?) throws -> any Query {
        var groups = [try parseAnd(field: field)]
        while let t = current, case .or = t.kind {
            p += 1
            guard Self.canStartUnary(current) else {
                throw error("'OR' has nothing after it: it needs a term on both sides", t.start)
            }
            groups.append(try parseAnd(field: field))
        }
        if groups.count == 1 { return Self.combine(groups[0]) }
        return BooleanQuery(groups.map { BooleanQuery.Clause(.should, Self.combine($0)) })
    }

    private mutating func parseAnd(field: String?) throws -> [BooleanQuery.Clause] {
        var clauses: [BooleanQuery.Clause] = []
        var explicitAnd = false
        loop: while let t = current {
            switch t.kind {
            case .rparen, .or:
                break loop
            case .and:
                guard !clauses.isEmpty else {
                    throw error("'AND' has nothing before it: it needs a term on both sides", t.start)
                }
                p += 1
                guard Self.canStartUnary(current) else {
                    throw error("'AND' has nothing after it: it needs a term on both sides", t.start)
                }
                // An explicit AND makes both operands required, even under the OR default.
                if clauses[clauses.count - 1].occur == .should { clauses[clauses.count - 1].occur = .must }
                explicitAnd = true
            default:
                var clause = try parseUnary(field: field)
                if explicitAnd, clause.occur == .should { clause.occur = .must }
                explicitAnd = false
                clauses.append(clause)
            }
        }
        if clauses.isEmpty {
            guard let t = current else { throw error("expected a term", tokens.last?.end ?? 0) }
            if case .or = t.kind {
                throw error("'OR' has nothing before it: it needs a term on both sides", t.start)
            }
            throw error("')' without a matching '('", t.start)
        }
        return clauses
    }

    /// The node for one andExpr: a lone must/should clause stands for itself; a purely negative
    /// list matches everything except the negations.
    private static func combine(_ clauses: [BooleanQuery.Clause]) -> any Query {
        if clauses.count == 1, clauses[0].occur != .mustNot { return clauses[0].query }
        if clauses.allSatisfy({ $0.occur == .mustNot }) {
            return BooleanQuery([BooleanQuery.Clause(.must, MatchAllQuery())] + clauses)
        }
        return BooleanQuery(clauses)
    }

    private mutating func parseUnary(field: String?) throws -> BooleanQuery.Clause {
        let t = tokens[p]
        let occur: Occur
        let symbol: String
        switch t.kind {
        case .plus: occur = .must; symbol = "+"
        case .minus: occur = .mustNot; symbol = "-"
        case .not: occur = .mustNot; symbol = "NOT"
        default: return BooleanQuery.Clause(defaultOccur, try parsePrimary(field: field))
        }
        p += 1
        guard Self.canStartPrimary(current) else {
            throw error("'\(symbol)' must be followed by a term", t.start)
        }
        return BooleanQuery.Clause(occur, try parsePrimary(field: field))
    }

    private mutating func parsePrimary(field: String?) throws -> any Query {
        let t = tokens[p]
        switch t.kind {
        case .lparen:
            guard depth < Self.maxDepth else {
                throw error("parentheses are nested too deeply (more than \(Self.maxDepth) levels)", t.start)
            }
            depth += 1
            defer { depth -= 1 }
            p += 1
            if let next = current, case .rparen = next.kind {
                throw error("empty parentheses '()': put a query between them", t.start)
            }
            guard current != nil else {
                throw error("unbalanced parenthesis: the '(' here is never closed", t.start)
            }
            let node = try parseOr(field: field)
            guard let close = current, case .rparen = close.kind else {
                throw error("unbalanced parenthesis: the '(' here is never closed", t.start)
            }
            p += 1
            return node
        case let .word(text, stars):
            p += 1
            return try wordNode(text, stars: stars, field: field)
        case let .phrase(text, slop):
            p += 1
            return PhraseQuery(text, field: field, slop: slop)
        case let .field(name):
            return try parseField(name, outer: field)
        case .range:
            throw error("a range needs a field: write date:[from TO to]", t.start)
        default:
            throw error("expected a term", t.start)
        }
    }

    private func wordNode(_ text: String, stars: [QueryToken.Star], field: String?) throws -> any Query {
        guard let last = stars.last else { return TermQuery(text, field: field) }
        let length = text.count
        if let misplaced = stars.first(where: { $0.index != length - 1 }) {
            throw error("'*' is only allowed at the end of a word (prefix search)", misplaced.position)
        }
        if length == 1 {
            throw error("a lone '*' is not a query: a prefix search needs at least one character before '*'", last.position)
        }
        return PrefixQuery(String(text.dropLast()), field: field)
    }

    // MARK: - Fields

    private mutating func parseField(_ name: String, outer: String?) throws -> any Query {
        let t = tokens[p]
        if let outer {
            throw error("fields cannot be nested: '\(name):' is inside '\(outer):(...)'", t.start)
        }
        guard name == Self.dateField || knownFields.contains(name) else {
            let known = (knownFields.union([Self.dateField])).sorted().joined(separator: ", ")
            throw error("unknown field '\(name)' (known: \(known))", t.start)
        }
        p += 1
        guard let value = current, value.start == t.end, Self.canStartPrimary(value) else {
            throw error("field '\(name):' has no term", t.start)
        }
        if case let .field(inner) = value.kind {
            throw error("fields cannot be nested: '\(inner):' follows '\(name):'", value.start)
        }
        if name == Self.dateField { return try parseDateValue(value) }
        if case .range = value.kind {
            throw error("ranges are only supported on the 'date' field", value.start)
        }
        return try parsePrimary(field: name)
    }

    private mutating func parseDateValue(_ value: QueryToken) throws -> any Query {
        switch value.kind {
        case let .range(content, contentStart):
            p += 1
            return try dateRange(content, contentStart: contentStart, token: value)
        case let .word(text, _), let .phrase(text, _):
            p += 1
            // A single date is that day's range; a single date-time is that instant.
            let trimmed = text.trimmingSpaces()
            guard let from = ISODate.parse(trimmed), let to = ISODate.parseRangeEnd(trimmed) else {
                throw invalidDate(trimmed, value.start)
            }
            return DateRangeQuery(from: from, to: to)
        default:
            throw error("'date:' takes a date or a range date:[from TO to], not a group", value.start)
        }
    }

    private func invalidDate(_ text: String, _ position: Int) -> LoupeError {
        error("invalid date '\(text)' (expected YYYY-MM-DD or an ISO-8601 date-time)", position)
    }

    /// `[from TO to]`: bounds may contain spaces (`2025-01-01 10:00`); `*` is an open bound.
    private func dateRange(_ content: [Character], contentStart: Int, token: QueryToken) throws -> any Query {
        var parts: [(text: String, position: Int)] = []
        var k = 0
        while k < content.count {
            if content[k].isWhitespace { k += 1; continue }
            let start = k
            while k < content.count, !content[k].isWhitespace { k += 1 }
            parts.append((String(content[start..<k]), contentStart + start))
        }
        let closing = token.end - 1
        guard !parts.isEmpty else {
            throw error("empty range: write date:[from TO to] (use * for an open end)", token.start)
        }
        let toIndices = parts.indices.filter { parts[$0].text == "TO" }
        guard let toIndex = toIndices.first else {
            let position = parts.count > 1 ? parts[1].position : closing
            throw error("a range needs 'TO' between its two ends: date:[from TO to]", position)
        }
        if toIndices.count > 1 {
            throw error("a range has exactly one 'TO'", parts[toIndices[1]].position)
        }
        guard toIndex > 0 else {
            throw error("the range has no start before 'TO' (use * for an open start)", parts[toIndex].position)
        }
        guard toIndex < parts.count - 1 else {
            throw error("the range has no end after 'TO' (use * for an open end)", parts[toIndex].position)
        }
        let fromText = parts[..<toIndex].map(\.text).joined(separator: " ")
        let toText = parts[(toIndex + 1)...].map(\.text).joined(separator: " ")
        let fromPosition = parts[0].position
        let toPosition = parts[toIndex + 1].position

        var from: Int64?
        if fromText != "*" {
            guard let v = ISODate.parse(fromText) else { throw invalidDate(fromText, fromPosition) }
            from = v
        }
        var to: Int64?
        if toText != "*" {
            guard let v = ISODate.parseRangeEnd(toText) else { throw invalidDate(toText, toPosition) }
            to = v
        }
        if let from, let to, from > to {
            throw error("the range starts ('\(fromText)') after it ends ('\(toText)')", fromPosition)
        }
        return DateRangeQuery(from: from, to: to)
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
