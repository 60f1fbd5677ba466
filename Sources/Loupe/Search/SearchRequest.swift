/// How results are ordered.
public enum SortOrder: String, Sendable, CaseIterable {
    /// By BM25 score, best first.
    case relevance
    /// By date, newest first (documents without a date last); equal dates by score.
    case newest
    /// By date, oldest first (documents without a date last); equal dates by score.
    case oldest
}

/// A search: the query and how to collect its results.
public struct SearchRequest: Sendable {
    /// The query in Loupe's query language (see the README).
    public var query: String
    /// A query built in code; used instead of `query` when set.
    public var parsedQuery: (any Query)?
    public var limit: Int = 10
    public var offset: Int = 0
    public var sort: SortOrder = .relevance
    /// Only documents dated at or after this time (seconds since 1970 UTC).
    public var after: Int64?
    /// Only documents dated at or before this time.
    public var before: Int64?
    /// How bare terms combine: all required (`.and`, the default) or any (`.or`).
    public var defaultOperator: DefaultOperator = .and
    /// Fields searched by terms without `field:`; nil for the schema's default fields.
    public var fields: [String]?
    /// Count every match exactly even where pruning could skip counting.
    public var exactCount: Bool = false
    /// Attach a BM25 breakdown to each hit.
    public var explain: Bool = false
    /// Attach stored fields to each hit.
    public var loadDocuments: Bool = true
    /// Build a highlighted snippet of this field for each hit (nil for none).
    public var snippetField: String? = "body"
    /// Approximate snippet length in characters.
    public var snippetLength: Int = 200

    public init(query: String, limit: Int = 10) {
        self.query = query
        self.limit = limit
    }

    public init(_ query: any Query, limit: Int = 10) {
        self.query = ""
        self.parsedQuery = query
        self.limit = limit
    }
}

/// One result.
public struct SearchHit: Sendable {
    public var id: String
    public var score: Double
    public var address: IndexReader.DocAddress
    public var document: StoredDocument?
    public var snippet: Snippet?
    public var explanation: Explanation?
}

/// The results of a search.
public struct SearchResults: Sendable {
    /// Matching documents. Exact unless `totalIsLowerBound`.
    public var total: Int
    /// True when block-max pruning skipped documents without counting them
    /// (relevance order only; set `exactCount` to force an exact count).
    public var totalIsLowerBound: Bool
    public var hits: [SearchHit]
    /// Time spent in the search, in microseconds.
    public var tookMicroseconds: Int
}
