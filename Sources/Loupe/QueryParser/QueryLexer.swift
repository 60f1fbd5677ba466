// Splits query text into tokens. Positions are 0-based offsets in Characters (grapheme clusters)
// of the query text, which is what `LoupeError.invalidQuery(position:)` reports.

struct QueryToken {
    /// An unescaped `*` inside a word: its index in the word's text and its position in the query.
    struct Star {
        var index: Int
        var position: Int
    }

    enum Kind {
        /// A word, escapes removed. `stars` lists its unescaped `*`s (escaped ones are plain text).
        case word(String, stars: [Star])
        /// `"text"` or `"text"~slop`: the unescaped text between the quotes.
        case phrase(String, slop: Int)
        /// `name:` (the token spans the name and the colon).
        case field(String)
        /// `~N` or `~` right after a word: a fuzzy term of at most N (default 2) edits.
        case fuzzy(Int)
        /// `^B` right after a word, phrase or `)`: a boost, finite and greater than 0.
        case boost(Double)
        /// `[ ... ]`: the raw characters between the brackets, the first one at `contentStart`.
        case range([Character], contentStart: Int)
        case lparen, rparen
        case and, or, not
        case plus, minus
    }

    var kind: Kind
    /// Position of the token's first character.
    var start: Int
    /// Position just past the token's last character.
    var end: Int
}

struct QueryLexer {
    private let chars: [Character]
    private var i = 0
    private var tokens: [QueryToken] = []

    /// Fields whose values may contain ':' (date-times).
    private let dateFields: Set<String>

    init(_ text: String, dateFields: Set<String> = ["date"]) {
        chars = Array(text)
        self.dateFields = Set(dateFields.map { $0.lowercased() })
    }

    /// The query's characters (positions index them).
    var characters: [Character] { chars }

    static func isWordBoundary(_ c: Character) -> Bool {
        c.isWhitespace || c == "(" || c == ")" || c == "\"" || c == "[" || c == "]" || c == ":"
    }

    private static func error(_ message: String, _ position: Int) -> LoupeError {
        .invalidQuery(message: message, position: position)
    }

    mutating func tokenize() throws -> [QueryToken] {
        // Name of the field whose colon immediately precedes the current position, if any: its value
        // is lexed as a plain word (never an operator), and a `date:` value may contain colons.
        var afterField: String?
        while i < chars.count {
            let c = chars[i]
            let field = afterField
            afterField = nil
            if c.isWhitespace {
                i += 1
                continue
            }
            let start = i
            switch c {
            case "(":
                i += 1
                tokens.append(QueryToken(kind: .lparen, start: start, end: i))
            case ")":
                i += 1
                tokens.append(QueryToken(kind: .rparen, start: start, end: i))
                try lexBoost()
            case "\"":
                try lexPhrase()
            case "[":
                try lexRange()
            case "]":
                throw Self.error("']' without a matching '['", i)
            case ":":
                throw Self.error("':' must follow a field name (write field:term)", i)
            case "+", "-":
                i += 1
                tokens.append(QueryToken(kind: c == "+" ? .plus : .minus, start: start, end: i))
            default:
                afterField = try lexWord(valueOf: field)
            }
        }
        return tokens
    }

    /// Lexes a word, an operator keyword or a `name:` field prefix. Returns the field name when it
    /// emitted a field token.
    private mutating func lexWord(valueOf field: String?) throws -> String? {
        let start = i
        let allowColon = field.map { dateFields.contains($0.lowercased()) } ?? false
        var text = ""
        var length = 0
        var stars: [QueryToken.Star] = []
        var escaped = false
        while i < chars.count {
            let c = chars[i]
            if c == "\\" {
                guard i + 1 < chars.count else {
                    throw Self.error("'\\' at the end of the query escapes nothing", i)
                }
                text.append(chars[i + 1])
                length += 1
                i += 2
                escaped = true
                continue
            }
            if Self.isWordBoundary(c), !(c == ":" && allowColon) { break }
            // `~` and `^` end a word (fuzzy term, boost); leading, they are its text.
            if c == "~" || c == "^", length > 0, !allowColon { break }
            if c == "*" { stars.append(.init(index: length, position: i)) }
            text.append(c)
            length += 1
            i += 1
        }
        if i < chars.count, chars[i] == ":" {
            i += 1
            tokens.append(QueryToken(kind: .field(text), start: start, end: i))
            return text
        }
        var kind: QueryToken.Kind = .word(text, stars: stars)
        if field == nil, !escaped {
            switch text {
            case "OR", "||": kind = .or
            case "AND", "&&": kind = .and
            case "NOT": kind = .not
            default: break
            }
        }
        tokens.append(QueryToken(kind: kind, start: start, end: i))
        try lexFuzzy()
        try lexBoost()
        return nil
    }

    /// Whether position `k` ends a word's suffix (`~2`, `^3`): the query's end or a boundary.
    private func endsSuffix(_ k: Int) -> Bool { k == chars.count || Self.isWordBoundary(chars[k]) }

    /// The ASCII digits from position `i` on (none: empty), `i` left after them.
    private mutating func readDigits() -> String {
        var digits = ""
        while i < chars.count, chars[i].isASCII, chars[i].isNumber {
            digits.append(chars[i])
            i += 1
        }
        return digits
    }

    /// `~` or `~N` right after a word: a fuzzy term (N ≤ 2; `~` alone means 2).
    private mutating func lexFuzzy() throws {
        guard i < chars.count, chars[i] == "~" else { return }
        let tilde = i
        i += 1
        let digits = readDigits()
        guard endsSuffix(i) || chars[i] == "^" else {
            throw Self.error("'~' after a word must be followed by the most edits, 0, 1 or 2 (as in vietnm~1), or by nothing (2)", tilde)
        }
        let n = digits.isEmpty ? 2 : (Int(digits) ?? Int.max)
        guard n <= LevenshteinAutomaton.maxSupportedDistance else {
            throw Self.error("a fuzzy term allows at most 2 edits, not \(digits) (write word~1 or word~2)", tilde)
        }
        tokens.append(QueryToken(kind: .fuzzy(n), start: tilde, end: i))
    }

    /// `^B` right after a word, a phrase or `)`: a boost, a positive finite number.
    private mutating func lexBoost() throws {
        guard i < chars.count, chars[i] == "^" else { return }
        let caret = i
        i += 1
        var number = ""
        while i < chars.count, chars[i].isASCII, chars[i].isNumber || chars[i] == "." {
            number.append(chars[i])
            i += 1
        }
        guard endsSuffix(i), let b = Double(number), b.isFinite, b > 0 else {
            throw Self.error("'^' must be followed by a boost, a number greater than 0 (as in oil^2 or \"oil price\"^0.5)", caret)
        }
        tokens.append(QueryToken(kind: .boost(b), start: caret, end: i))
    }

    private mutating func lexPhrase() throws {
        let start = i
        i += 1
        var text = ""
        var closed = false
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count {
                text.append(chars[i + 1])
                i += 2
                continue
            }
            i += 1
            if c == "\"" {
                closed = true
                break
            }
            text.append(c)
        }
        guard closed else {
            throw Self.error("unbalanced quote: the phrase opened here is never closed", start)
        }
        if text.allSatisfy(\.isWhitespace) {
            throw Self.error("empty phrase: there are no words between the quotes", start)
        }
        var slop = 0
        if i < chars.count, chars[i] == "~" {
            let tilde = i
            i += 1
            let digits = readDigits()
            let terminated = i == chars.count || Self.isWordBoundary(chars[i]) || chars[i] == "^"
            guard !digits.isEmpty, terminated, let n = Int(digits) else {
                throw Self.error("'~' after a phrase must be followed by a number (the slop), as in \"a b\"~2", tilde)
            }
            slop = n
        }
        tokens.append(QueryToken(kind: .phrase(text, slop: slop), start: start, end: i))
        try lexBoost()
    }

    private mutating func lexRange() throws {
        let start = i
        i += 1
        var content: [Character] = []
        while i < chars.count, chars[i] != "]" {
            content.append(chars[i])
            i += 1
        }
        guard i < chars.count else {
            throw Self.error("unbalanced bracket: the range opened here is never closed with ']'", start)
        }
        i += 1
        tokens.append(QueryToken(kind: .range(content, contentStart: start + 1), start: start, end: i))
    }
}
