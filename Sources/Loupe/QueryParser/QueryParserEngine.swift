// Recursive-descent parser over QueryLexer's tokens.
//
//   query   := orExpr
//   orExpr  := andExpr ("OR" andExpr)*
//   andExpr := unary (["AND"] unary)*
//   unary   := ("+" | "-" | "NOT") primary | primary
//   primary := ("(" orExpr ")" | clause) ["^" boost]
//   clause  := term | "phrase"[~N] | field ":" (term | "phrase"[~N] | "(" orExpr ")")
//   term    := word | word* | word~[N]
//   (a `name:` whose name is no field, in any letter case, is the word `name`)
//            | datefield ":" ("[" bound "TO" bound "]" | [cmp] period | "(" orExpr ")")
//            | numberfield ":" ("[" n "TO" n "]" | [cmp] n | "(" orExpr ")")
//            | keywordfield ":" (value | value* | "value" | "(" orExpr ")")
//   cmp     := ">" | ">=" | "<" | "<="      period := YYYY | YYYY-MM | date | date-time

struct QueryParserEngine {
    private let tokens: [QueryToken]
    private var p = 0
    private let defaultOccur: Occur
    private let knownFields: Set<String>
    /// Keyword, number and date fields (text fields are not listed).
    private let fieldTypes: [String: FieldType]
    private var depth = 0
    /// Where the clause that took the count past `QueryParser.maxClauses` starts, once it has.
    private var overflowPosition: Int?
    /// The query's characters, for the text of ignored clauses.
    private let chars: [Character]
    /// Whether a text clause analyzes to at least one term; nil keeps every clause.
    private let isSearchable: ((String) -> Bool)?
    /// The text clauses dropped because they analyze to no term, in query order.
    private(set) var ignored: [IgnoredClause] = []
    /// Whether an unknown `name:` is an error rather than the word `name`.
    private let strictFields: Bool
    /// The `name:` token whose value is being parsed (an ignored value is reported with it).
    private var fieldToken: QueryToken?

    /// Deeper parenthesis nesting is rejected rather than risking the stack.
    static let maxDepth = 200

    /// The field that is always accepted, whether or not it is in `knownFields`.
    static let dateField = "date"

    init(tokens: [QueryToken], defaultOperator: DefaultOperator, knownFields: Set<String>,
         fieldTypes: [String: FieldType] = [:], characters: [Character] = [], isSearchable: ((String) -> Bool)? = nil,
         strictFields: Bool = false) {
        self.strictFields = strictFields
        self.tokens = tokens
        self.chars = characters
        self.isSearchable = isSearchable
        self.defaultOccur = defaultOperator == .and ? .must : .should
        self.knownFields = knownFields.union(fieldTypes.keys)
        var types = fieldTypes
        types[Self.dateField] = .date
        self.fieldTypes = types
    }

    private func error(_ message: String, _ position: Int) -> LoupeError {
        .invalidQuery(message: message, position: position)
    }

    private var current: QueryToken? { p < tokens.count ? tokens[p] : nil }

    /// The query, or nil when every clause was dropped (see `ignored`).
    mutating func parse() throws -> (any Query)? {
        if tokens.isEmpty { return MatchAllQuery() }
        let (node, leaves) = try parseOr(field: nil, base: 0)
        if let t = current {
            // parseOr only stops early at a ')'.
            throw error("')' without a matching '('", t.start)
        }
        if leaves > QueryParser.maxClauses {
            throw error("the query has \(leaves) clauses (terms, prefixes, values and words of phrases), over the limit of \(QueryParser.maxClauses)",
                        overflowPosition ?? 0)
        }
        return node
    }

    /// Counts `clauses`' leaves, identical siblings once (as a search merges them), and notes
    /// where the count, with `base` leaves before them, first passes the limit.
    private mutating func countLeaves(_ clauses: [(clause: BooleanQuery.Clause, leaves: Int, start: Int)], base: Int) -> Int {
        var total = 0
        let merged = BooleanQuery.merged(clauses.map(\.clause))
        var firsts = Set(merged.map(\.first))
        for (i, c) in clauses.enumerated() where firsts.remove(i) != nil {
            total += c.leaves
            if base + total > QueryParser.maxClauses, overflowPosition == nil { overflowPosition = c.start }
        }
        return total
    }

    /// The leaves a phrase counts: its words (runs of letters and digits), at least one.
    private static func phraseLeaves(_ text: String) -> Int {
        var n = 0, inWord = false
        for c in text {
            let w = c.isLetter || c.isNumber
            if w && !inWord { n += 1 }
            inWord = w
        }
        return max(1, n)
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

    /// The node and its leaf count (see `QueryParser.maxClauses`); `base` leaves come before it.
    private mutating func parseOr(field: String?, base: Int) throws -> ((any Query)?, Int) {
        var groups: [(clause: BooleanQuery.Clause, leaves: Int, start: Int)] = []
        var naive = 0
        while true {
            let start = current?.start ?? 0
            let (clauses, leaves) = try parseAnd(field: field, base: base + naive)
            naive += leaves
            // A group whose clauses were all dropped (ignored) is dropped too.
            if let node = Self.combine(clauses) { groups.append((BooleanQuery.Clause(.should, node), leaves, start)) }
            guard let t = current, case .or = t.kind else { break }
            p += 1
            guard Self.canStartUnary(current) else {
                throw error("'OR' has nothing after it: it needs a term on both sides", t.start)
            }
        }
        if groups.isEmpty { return (nil, 0) }
        if groups.count == 1 { return (groups[0].clause.query, groups[0].leaves) }
        return (BooleanQuery(groups.map(\.clause)), countLeaves(groups, base: base))
    }

    private mutating func parseAnd(field: String?, base: Int) throws -> ([BooleanQuery.Clause], Int) {
        var clauses: [BooleanQuery.Clause] = []
        var counted: [(leaves: Int, start: Int)] = []
        var naive = 0
        var explicitAnd = false
        // Whether a clause was parsed (kept or dropped), and whether the last one was kept.
        var parsedAny = false
        var lastKept = false
        loop: while let t = current {
            switch t.kind {
            case .rparen, .or:
                break loop
            case .and:
                guard parsedAny else {
                    throw error("'AND' has nothing before it: it needs a term on both sides", t.start)
                }
                p += 1
                guard Self.canStartUnary(current) else {
                    throw error("'AND' has nothing after it: it needs a term on both sides", t.start)
                }
                // An explicit AND makes both operands required, even under the OR default.
                if lastKept, clauses[clauses.count - 1].occur == .should { clauses[clauses.count - 1].occur = .must }
                explicitAnd = true
            default:
                let (parsed, leaves) = try parseUnary(field: field, base: base + naive)
                parsedAny = true
                lastKept = parsed != nil
                guard var clause = parsed else { explicitAnd = false; continue }
                if explicitAnd, clause.occur == .should { clause.occur = .must }
                explicitAnd = false
                clauses.append(clause)
                counted.append((leaves, t.start))
                naive += leaves
            }
        }
        if !parsedAny {
            guard let t = current else { throw error("expected a term", tokens.last?.end ?? 0) }
            if case .or = t.kind {
                throw error("'OR' has nothing before it: it needs a term on both sides", t.start)
            }
            throw error("')' without a matching '('", t.start)
        }
        let leaves = countLeaves(zip(clauses, counted).map { ($0, $1.leaves, $1.start) }, base: base)
        return (clauses, leaves)
    }

    /// The node for one andExpr: a lone must/should clause stands for itself; a purely negative
    /// list matches everything except the negations.
    private static func combine(_ clauses: [BooleanQuery.Clause]) -> (any Query)? {
        if clauses.isEmpty { return nil }
        if clauses.count == 1, clauses[0].occur != .mustNot { return clauses[0].query }
        if clauses.allSatisfy({ $0.occur == .mustNot }) {
            return BooleanQuery([BooleanQuery.Clause(.must, MatchAllQuery())] + clauses)
        }
        return BooleanQuery(clauses)
    }

    private mutating func parseUnary(field: String?, base: Int) throws -> (BooleanQuery.Clause?, Int) {
        let t = tokens[p]
        let occur: Occur
        let symbol: String
        switch t.kind {
        case .plus: occur = .must; symbol = "+"
        case .minus: occur = .mustNot; symbol = "-"
        case .not: occur = .mustNot; symbol = "NOT"
        default:
            let (q, leaves) = try parsePrimary(field: field, base: base)
            return (q.map { BooleanQuery.Clause(defaultOccur, $0) }, leaves)
        }
        p += 1
        guard Self.canStartPrimary(current) else {
            throw error("'\(symbol)' must be followed by a term", t.start)
        }
        let (q, leaves) = try parsePrimary(field: field, base: base)
        return (q.map { BooleanQuery.Clause(occur, $0) }, leaves)
    }

    /// A primary and its leaf count; nil when it was dropped (a text clause without terms).
    /// A `^B` right after it boosts it.
    private mutating func parsePrimary(field: String?, base: Int) throws -> ((any Query)?, Int) {
        let (node, leaves) = try parseUnboosted(field: field, base: base)
        guard let t = current, case let .boost(b) = t.kind else { return (node, leaves) }
        p += 1
        guard let node else { return (nil, leaves) }
        if let boosted = node as? BoostQuery { return (BoostQuery(boosted.query, boost: boosted.boost * b), leaves) }
        return (BoostQuery(node, boost: b), leaves)
    }

    private mutating func parseUnboosted(field: String?, base: Int) throws -> ((any Query)?, Int) {
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
            let (node, leaves) = try parseOr(field: field, base: base)
            guard let close = current, case .rparen = close.kind else {
                throw error("unbalanced parenthesis: the '(' here is never closed", t.start)
            }
            p += 1
            return (node, leaves)
        case let .word(text, stars):
            p += 1
            var fuzzy: (edits: Int, token: QueryToken)?
            if let next = current, case let .fuzzy(n) = next.kind {
                p += 1
                fuzzy = (n, next)
            }
            if let field, let type = fieldTypes[field] {
                if let fuzzy { throw error("'~' makes a word fuzzy, which '\(field):' values cannot be (\(field) is a \(type) field)", fuzzy.token.start) }
                return (try valueNode(text, stars: stars, quoted: false, field: field, type: type, token: t), 1)
            }
            let node = try wordNode(text, stars: stars, field: field, fuzzy: fuzzy.map { ($0.edits, $0.token.start) })
            if !keep(stars.isEmpty ? text : String(text.dropLast()), from: t.start, to: fuzzy?.token.end ?? t.end, field: field) { return (nil, 0) }
            return (node, 1)
        case let .phrase(text, slop):
            p += 1
            if let field, let type = fieldTypes[field] { return (try valueNode(text, stars: [], quoted: true, field: field, type: type, token: t), 1) }
            if !keep(text, from: t.start, to: t.end, field: field) { return (nil, 0) }
            return (PhraseQuery(text, field: field, slop: slop), Self.phraseLeaves(text))
        case let .field(name):
            return try parseField(name, outer: field, base: base)
        case .fuzzy:
            throw error("'~' must follow a word, as in vietnm~1", t.start)
        case .boost:
            throw error("'^' must follow a word, a phrase or a ')', as in oil^2", t.start)
        case let .range(content, contentStart):
            guard let field, let type = fieldTypes[field], type != .keyword else {
                throw error("a range needs a field: write date:[from TO to], or a number field's words:[100 TO 500]", t.start)
            }
            p += 1
            return (try range(content, contentStart: contentStart, token: t, field: field, type: type), 1)
        default:
            throw error("expected a term", t.start)
        }
    }

    /// Whether the text clause spanning `start..<end` is kept: false (and the clause recorded
    /// as ignored) when its text analyzes to no term.
    private mutating func keep(_ text: String, from start: Int, to end: Int, field: String?) -> Bool {
        guard let isSearchable, !isSearchable(text) else { return true }
        var from = start
        // A fielded value is reported with its field (`title:&`).
        if field != nil, let f = fieldToken, f.end == start { from = f.start }
        let clause = chars.isEmpty ? text : String(chars[from..<min(end, chars.count)])
        ignored.append(IgnoredClause(text: clause, position: from))
        return false
    }

    private func wordNode(_ text: String, stars: [QueryToken.Star], field: String?, fuzzy: (edits: Int, position: Int)? = nil) throws -> any Query {
        if let fuzzy {
            if !stars.isEmpty { throw error("a word cannot be both a prefix ('*') and fuzzy ('~')", fuzzy.position) }
            return FuzzyQuery(text, field: field, maxEdits: fuzzy.edits)
        }
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

    /// The field `name` stands for: itself, else the one field equal to it ignoring case.
    private func resolveField(_ name: String) -> String? {
        if knownFields.contains(name) || fieldTypes[name] != nil { return name }
        let lower = name.lowercased()
        return knownFields.union(fieldTypes.keys).sorted().first { $0.lowercased() == lower }
    }

    private mutating func parseField(_ written: String, outer: String?, base: Int) throws -> ((any Query)?, Int) {
        let t = tokens[p]
        guard let name = resolveField(written) else {
            if strictFields {
                let known = knownFields.union(fieldTypes.keys).sorted().joined(separator: ", ")
                throw error("unknown field '\(written)' (known: \(known))", t.start)
            }
            // Not a field name (`Kuwait: no talks`): the word itself, its colon dropped.
            p += 1
            let node = try wordNode(written, stars: [], field: outer)
            if !keep(written, from: t.start, to: t.end, field: nil) { return (nil, 0) }
            return (node, 1)
        }
        if let outer {
            throw error("fields cannot be nested: '\(written):' is inside '\(outer):(...)'", t.start)
        }
        p += 1
        guard let value = current, value.start == t.end, Self.canStartPrimary(value) else {
            throw error("field '\(name):' has no term", t.start)
        }
        if case let .field(inner) = value.kind, resolveField(inner) != nil {
            throw error("fields cannot be nested: '\(inner):' follows '\(name):'", value.start)
        }
        if case .range = value.kind, fieldTypes[name] == nil || fieldTypes[name] == .keyword {
            throw error("ranges are only supported on number and date fields", value.start)
        }
        fieldToken = t
        defer { fieldToken = nil }
        return try parsePrimary(field: name, base: base)
    }

    /// A value of a keyword, number or date field: an exact keyword (or a prefix), a number
    /// or date, or a comparison (`>=100`, `<2025-06`).
    private func valueNode(_ text: String, stars: [QueryToken.Star], quoted: Bool, field: String, type: FieldType,
                           token: QueryToken) throws -> any Query {
        switch type {
        case .keyword:
            if !quoted, let last = stars.last, last.index == text.count - 1, stars.count == 1, text.count > 1 {
                return KeywordQuery(field: field, prefix: String(text.dropLast()))
            }
            return KeywordQuery(field: field, values: [text])
        case .number:
            let (op, rest) = Self.comparison(text)
            guard let v = Double(rest.trimmingSpaces()), v.isFinite else {
                throw error("'\(text)' is not a number (field '\(field)' holds numbers; write \(field):42, \(field):>=100 or \(field):[100 TO 500])", token.start)
            }
            switch op {
            case "": return NumberRangeQuery(field: field, lower: v, upper: v)
            case ">": return NumberRangeQuery(field: field, lower: v, upper: nil, includeLower: false)
            case ">=": return NumberRangeQuery(field: field, lower: v, upper: nil)
            case "<": return NumberRangeQuery(field: field, lower: nil, upper: v, includeUpper: false)
            default: return NumberRangeQuery(field: field, lower: nil, upper: v)
            }
        case .date:
            let (op, rest) = Self.comparison(text)
            let trimmed = rest.trimmingSpaces()
            guard let period = ISODate.parsePeriod(trimmed) else { throw invalidDate(trimmed, token.start) }
            switch op {
            case "": return DateRangeQuery(from: period.lowerBound, to: period.upperBound, field: field)
            case ">": return DateRangeQuery(from: period.upperBound + 1, to: nil, field: field)
            case ">=": return DateRangeQuery(from: period.lowerBound, to: nil, field: field)
            case "<": return DateRangeQuery(from: nil, to: period.lowerBound - 1, field: field)
            default: return DateRangeQuery(from: nil, to: period.upperBound, field: field)
            }
        case .text:
            return TermQuery(text, field: field)
        }
    }

    /// A leading comparison operator and the rest of the value.
    private static func comparison(_ text: String) -> (String, String) {
        for op in [">=", "<=", ">", "<"] where text.hasPrefix(op) { return (op, String(text.dropFirst(op.count))) }
        return ("", text)
    }

    private func invalidDate(_ text: String, _ position: Int) -> LoupeError {
        error("invalid date '\(text)' (expected YYYY, YYYY-MM, YYYY-MM-DD or an ISO-8601 date-time)", position)
    }

    /// `[from TO to]`: bounds may contain spaces (`2025-01-01 10:00`); `*` is an open bound.
    /// A date bound may be a period (`2024`, `2025-06`): the range covers all of it.
    private func range(_ content: [Character], contentStart: Int, token: QueryToken, field: String, type: FieldType) throws -> any Query {
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
            throw error("empty range: write \(field):[from TO to] (use * for an open end)", token.start)
        }
        let toIndices = parts.indices.filter { parts[$0].text == "TO" }
        guard let toIndex = toIndices.first else {
            let position = parts.count > 1 ? parts[1].position : closing
            throw error("a range needs 'TO' between its two ends: \(field):[from TO to]", position)
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

        if type == .number {
            var lower: Double?, upper: Double?
            if fromText != "*" {
                guard let v = Double(fromText), v.isFinite else { throw error("'\(fromText)' is not a number", fromPosition) }
                lower = v
            }
            if toText != "*" {
                guard let v = Double(toText), v.isFinite else { throw error("'\(toText)' is not a number", toPosition) }
                upper = v
            }
            if let lower, let upper, lower > upper {
                throw error("the range starts ('\(fromText)') after it ends ('\(toText)')", fromPosition)
            }
            return NumberRangeQuery(field: field, lower: lower, upper: upper)
        }
        var from: Int64?
        if fromText != "*" {
            guard let v = ISODate.parsePeriod(fromText) else { throw invalidDate(fromText, fromPosition) }
            from = v.lowerBound
        }
        var to: Int64?
        if toText != "*" {
            guard let v = ISODate.parsePeriod(toText) else { throw invalidDate(toText, toPosition) }
            to = v.upperBound
        }
        if let from, let to, from > to {
            throw error("the range starts ('\(fromText)') after it ends ('\(toText)')", fromPosition)
        }
        return DateRangeQuery(from: from, to: to, field: field)
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
