/// Parses Loupe's query language (see the README) into a ``Query`` tree.
///
/// The grammar is in `QueryParserEngine.swift`; each production builds one query kind.
public enum QueryParser {
    /// The longest query text accepted, in UTF-8 bytes (64 KiB): a longer query is an
    /// `invalidQuery` error saying so, before any of it is parsed. It bounds the work one query
    /// can ask for, with `maxClauses`.
    public static let maxQueryBytes = 65_536

    /// The most leaf clauses a parsed query may hold (Lucene's default `maxClauseCount`): each
    /// term, prefix, keyword, number or date value and range counts one, a phrase one per word.
    /// Identical sibling clauses count once (a search merges them: see ``BooleanQuery``).
    public static let maxClauses = 1024

    /// Parses `text` (at most `maxQueryBytes` bytes, at most `maxClauses` clauses). Throws `LoupeError.invalidQuery(message:position:)` with the 0-based
    /// character position of the problem; `knownFields` are the field names the query may scope
    /// (`field:`); an unknown field name is an error. `fieldTypes` gives the keyword, number
    /// and date fields, whose values are exact (`source:reuters`), ranges (`words:[100 TO 500]`,
    /// `words:>=100`) or periods (`updated:2025-06`); the default `date` is always a date field.
    public static func parse(_ text: String, defaultOperator: DefaultOperator = .and, knownFields: Set<String>,
                             fieldTypes: [String: FieldType] = [:]) throws -> any Query {
        try parse(text, defaultOperator: defaultOperator, knownFields: knownFields, fieldTypes: fieldTypes, isSearchable: nil).query
    }

    /// Parses `text` as ``parse(_:defaultOperator:knownFields:fieldTypes:)`` does, dropping
    /// the text clauses (words, phrases, prefixes, fuzzy terms of text fields) for which
    /// `isSearchable` is false, that is which analyze to no term (`&`, `—`): such a clause
    /// could never match, and required it would make the whole query match nothing. The
    /// dropped clauses are listed in ``ParsedQuery/ignored``; a group left empty is dropped
    /// with them, and when nothing is left the query is a ``MatchNoneQuery``.
    public static func parse(_ text: String, defaultOperator: DefaultOperator = .and, knownFields: Set<String>,
                             fieldTypes: [String: FieldType] = [:], isSearchable: ((String) -> Bool)?) throws -> ParsedQuery {
        try parse(text, defaultOperator: defaultOperator, knownFields: knownFields, fieldTypes: fieldTypes,
                  isSearchable: isSearchable, strictFields: false)
    }

    /// With `strictFields`, a `name:` whose name is no field is an error (filters, where a
    /// misspelt field must not silently become text) rather than the word `name`.
    static func parse(_ text: String, defaultOperator: DefaultOperator = .and, knownFields: Set<String>,
                      fieldTypes: [String: FieldType] = [:], isSearchable: ((String) -> Bool)?, strictFields: Bool) throws -> ParsedQuery {
        let bytes = text.utf8.count
        if bytes > maxQueryBytes {
            // The position is the first character past the limit.
            var used = 0, position = 0
            for c in text {
                used += c.utf8.count
                if used > maxQueryBytes { break }
                position += 1
            }
            throw LoupeError.invalidQuery(message: "the query is \(bytes) bytes long, over the limit of \(maxQueryBytes) bytes (64 KiB)",
                                          position: position)
        }
        var dateFields: Set<String> = [QueryParserEngine.dateField]
        for (name, type) in fieldTypes where type == .date { dateFields.insert(name) }
        var lexer = QueryLexer(text, dateFields: dateFields)
        let tokens = try lexer.tokenize()
        var engine = QueryParserEngine(tokens: tokens, defaultOperator: defaultOperator, knownFields: knownFields,
                                       fieldTypes: fieldTypes, characters: lexer.characters, isSearchable: isSearchable,
                                       strictFields: strictFields)
        let query = try engine.parse()
        return ParsedQuery(query: query ?? MatchNoneQuery(), ignored: engine.ignored)
    }
}
