/// Parses Loupe's query language (see the README) into a ``Query`` tree.
///
/// The grammar is in `QueryParserEngine.swift`; each production builds one query kind.
public enum QueryParser {
    /// Parses `text`. Throws `LoupeError.invalidQuery(message:position:)` with the 0-based
    /// character position of the problem; `knownFields` are the field names the query may scope
    /// (`field:`); an unknown field name is an error. `fieldTypes` gives the keyword, number
    /// and date fields, whose values are exact (`source:reuters`), ranges (`words:[100 TO 500]`,
    /// `words:>=100`) or periods (`updated:2025-06`); the default `date` is always a date field.
    public static func parse(_ text: String, defaultOperator: DefaultOperator = .and, knownFields: Set<String>,
                             fieldTypes: [String: FieldType] = [:]) throws -> any Query {
        var dateFields: Set<String> = [QueryParserEngine.dateField]
        for (name, type) in fieldTypes where type == .date { dateFields.insert(name) }
        var lexer = QueryLexer(text, dateFields: dateFields)
        let tokens = try lexer.tokenize()
        var engine = QueryParserEngine(tokens: tokens, defaultOperator: defaultOperator, knownFields: knownFields,
                                       fieldTypes: fieldTypes)
        return try engine.parse()
    }
}
