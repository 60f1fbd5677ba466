/// A query: what documents to match and how to score them, before analysis.
///
/// A query is a tree of values built by the parser (`QueryParser.parse`) or in code:
///
///     let query = BooleanQuery([
///         .init(.must, PhraseQuery("war legacy")),
///         .init(.mustNot, TermQuery("opec", field: "title")),
///     ])
///     let results = try index.search(SearchRequest(query, limit: 10))
///
/// Terms hold the user's raw text; a search analyzes them with the index's analyzer, so
/// folding and stemming match the indexed text. Each query kind lives in its own file with
/// its weight (what a search builds from it once, with the index's statistics) and, when it
/// needs one, its scorer: adding a kind touches that file and the parser's grammar rule.
///
/// `description` is a Lucene-like rendering (`+title:war -"oil price"~2 date:[… TO …]`)
/// that parses back to the same query under `defaultOperator: .or`.
public protocol Query: Sendable, CustomStringConvertible {
    /// Whether `other` is the same query (same kind, same parts).
    func isEqual(to other: any Query) -> Bool
}

extension Query where Self: Equatable {
    public func isEqual(to other: any Query) -> Bool { (other as? Self) == self }
}

/// How a clause of a ``BooleanQuery`` takes part in matching.
public enum Occur: Equatable, Sendable {
    /// The clause must match; its score is added.
    case must
    /// The clause may match (at least one must when there is no `must` clause); its score is added when it does.
    case should
    /// The clause must not match.
    case mustNot
    /// The clause must match, and its score is not added (Lucene's `FILTER`): how keyword,
    /// number and date restrictions and `SearchRequest.filters` take part. Written `#x`.
    case filter
}

/// How bare terms of parsed query text combine.
public enum DefaultOperator: Sendable {
    /// Every bare term is required.
    case and
    /// Any bare term may match; documents matching more rank higher.
    case or
}

/// Built-in query kinds, by the name of their case in the parser's grammar: `.term("oil")`,
/// `.phrase("war legacy")`, `.boolean([...])` wherever a query is expected.
extension Query where Self == TermQuery {
    /// A single word (see ``TermQuery``).
    public static func term(_ text: String, field: String? = nil) -> TermQuery { TermQuery(text, field: field) }
}

extension Query where Self == PhraseQuery {
    /// A phrase (see ``PhraseQuery``).
    public static func phrase(_ text: String, field: String? = nil, slop: Int = 0) -> PhraseQuery {
        PhraseQuery(text, field: field, slop: slop)
    }
}

extension Query where Self == PrefixQuery {
    /// Every word starting with `prefix` (see ``PrefixQuery``).
    public static func prefix(_ prefix: String, field: String? = nil) -> PrefixQuery { PrefixQuery(prefix, field: field) }
}

extension Query where Self == DateRangeQuery {
    /// Documents dated within `from ... to` (see ``DateRangeQuery``).
    public static func dateRange(from: Int64?, to: Int64?) -> DateRangeQuery { DateRangeQuery(from: from, to: to) }
}

extension Query where Self == BooleanQuery {
    /// A boolean combination (see ``BooleanQuery``).
    public static func boolean(_ clauses: [BooleanQuery.Clause]) -> BooleanQuery { BooleanQuery(clauses) }
}

extension Query where Self == MatchAllQuery {
    /// Every live document (see ``MatchAllQuery``).
    public static var matchAll: MatchAllQuery { MatchAllQuery() }
}

extension Query where Self == KeywordQuery {
    /// Documents whose keyword `field` holds one of `values` (see ``KeywordQuery``).
    public static func keyword(_ field: String, _ values: String...) -> KeywordQuery { KeywordQuery(field: field, values: values) }
}

extension Query where Self == NumberRangeQuery {
    /// Documents whose number `field` lies in `lower ... upper` (see ``NumberRangeQuery``).
    public static func numberRange(_ field: String, _ lower: Double?, _ upper: Double?) -> NumberRangeQuery {
        NumberRangeQuery(field: field, lower: lower, upper: upper)
    }
}
