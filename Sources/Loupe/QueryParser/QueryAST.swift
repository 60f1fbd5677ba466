// The parsed query tree (contract shared with the executor). The parser lives in QueryParserEngine.swift.
import Foundation

/// A parsed query, before analysis. Terms are raw user text; the executor analyzes them with the
/// index's analyzer (so folding and stemming match the indexed text).
public indirect enum QueryNode: Equatable, Sendable {
    /// A single word. `field` nil means the default fields.
    case term(String, field: String?)
    /// A quoted phrase (raw text between the quotes) with slop (0 = exact).
    case phrase(String, field: String?, slop: Int)
    /// `prefix*` (the prefix without the star).
    case prefix(String, field: String?)
    /// `date:[from TO to]`; nil bound = open (`*`). Inclusive bounds, seconds since 1970 UTC.
    /// A date-only upper bound covers the whole day.
    case dateRange(from: Int64?, to: Int64?)
    /// Boolean combination.
    case boolean([QueryClause])
    /// Matches every live document (an empty query or a query of only negations gets this as its positive part).
    case matchAll
}

public enum Occur: Equatable, Sendable {
    case must, should, mustNot
}

public struct QueryClause: Equatable, Sendable {
    public var occur: Occur
    public var node: QueryNode
    public init(_ occur: Occur, _ node: QueryNode) { self.occur = occur; self.node = node }
}

public enum DefaultOperator: Sendable { case and, or }

public struct QueryParser {
    /// Parses `text`. Throws `LoupeError.invalidQuery(message:position:)` with the 0-based character
    /// position of the problem; `knownFields` are the field names the query may scope (`field:`);
    /// an unknown field name is an error.
    public static func parse(_ text: String, defaultOperator: DefaultOperator = .and, knownFields: Set<String>) throws -> QueryNode {
        var lexer = QueryLexer(text)
        let tokens = try lexer.tokenize()
        var engine = QueryParserEngine(tokens: tokens, defaultOperator: defaultOperator, knownFields: knownFields)
        return try engine.parse()
    }
}
