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
        self.dateFields = dateFields
    }

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
        let allowColon = field.map(dateFields.contains) ?? false
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
        return nil
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
            var digits = ""
            while i < chars.count, chars[i].isASCII, chars[i].isNumber {
                digits.append(chars[i])
                i += 1
            }
            let terminated = i == chars.count || Self.isWordBoundary(chars[i])
            guard !digits.isEmpty, terminated, let n = Int(digits) else {
                throw Self.error("'~' after a phrase must be followed by a number (the slop), as in \"a b\"~2", tilde)
            }
            slop = n
        }
        tokens.append(QueryToken(kind: .phrase(text, slop: slop), start: start, end: i))
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
