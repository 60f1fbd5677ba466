/// Parses Loupe's query language (see the README) into a ``Query`` tree.
///
/// The grammar is in `QueryParserEngine.swift`; each production builds one query kind.
public enum QueryParser {
    /// Parses `text`. Throws `LoupeError.invalidQuery(message:position:)` with the 0-based
    /// character position of the problem; `knownFields` are the field names the query may scope
    /// (`field:`); an unknown field name is an error.
    public static func parse(_ text: String, defaultOperator: DefaultOperator = .and, knownFields: Set<String>) throws -> any Query {
        var lexer = QueryLexer(text)
        let tokens = try lexer.tokenize()
        var engine = QueryParserEngine(tokens: tokens, defaultOperator: defaultOperator, knownFields: knownFields)
        return try engine.parse()
    }
}
