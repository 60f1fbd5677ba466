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
    /// Hits (groups, when collapsing) to skip; ignored when `cursor` is set. Costs a top-k
    /// of `offset + limit`: use `cursor` for deep paging.
    public var offset: Int = 0
    public var sort: SortOrder = .relevance
    /// Order by a field instead of `sort` (any number, date or keyword field; see
    /// ``SortField``); nil to use `sort`.
    public var sortField: SortField?
    /// Restrictions that must match but never change scores (`source:reuters`,
    /// `words:[100 TO 500]`, ...), each added as an `Occur.filter` clause. Multi-select
    /// facets ignore the filters on their own field (see `Query.filteredField`).
    public var filters: [any Query] = []
    /// Aggregations over every match, returned in `SearchResults.facets` in this order.
    public var facets: [FacetRequest] = []
    /// Continue after the page that returned this cursor (`SearchResults.cursor`), in the
    /// same order; the request's other parameters should be the same as that page's.
    public var cursor: String?
    /// Keyword field to collapse on: at most one hit (the best) per value, with
    /// `SearchHit.collapsedCount`; ``nearDuplicates`` for one hit per near-duplicate
    /// cluster (schemas with `nearDuplicates`); nil for none.
    public var collapse: String?
    /// The `collapse` value grouping near duplicates (no field can be named so).
    public static let nearDuplicates = "near-duplicates"
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
    /// Apply the index's synonyms to the query (see ``Synonyms``).
    public var expandSynonyms: Bool = true
    /// Attach a BM25 breakdown to each hit.
    public var explain: Bool = false
    /// Offer a corrected query (`SearchResults.suggestion`, "did you mean") when this one
    /// finds nothing or few documents and a close variant finds many more (see `DidYouMean`).
    public var suggest: Bool = true
    /// Attach stored fields to each hit.
    public var loadDocuments: Bool = true
    /// Build a highlighted snippet of this field for each hit (nil for none).
    public var snippetField: String? = "body"
    /// Approximate length of each snippet passage, in UTF-8 bytes.
    public var snippetLength: Int = 200
    /// Most passages per snippet: a long field shows its best passages (by density of
    /// matches) in document order, joined by ` … ` (see ``Snippet``).
    public var snippetPassages: Int = 3
    /// Highlight the matches in this field's whole value (``SearchHit/titleHighlight``), such as
    /// the schema's `titleField`; nil for none.
    public var titleField: String? = nil
    /// The most time the search may take, from the call (parsing, expanding prefixes and fuzzy
    /// terms, collecting hits and facets); nil for no limit. Past it the search stops soon
    /// (its loops read a monotonic clock every few thousand documents, windows or dictionary
    /// terms) and returns what it found with ``SearchResults/timedOut`` set: each hit a true
    /// match with its true score, ranked among the documents it reached (see `timedOut`).
    /// Stored fields and snippets of the page's hits are still loaded; "did you mean" is only
    /// offered while time is left.
    public var timeout: Duration? = nil
    /// A deadline shared with the search that made this request (the candidate searches of
    /// "did you mean"); used instead of `timeout` when set.
    var sharedDeadline: SearchDeadline? = nil

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
    /// The request's `titleField`, whole, with the matches marked (no `…`), when it asked for one
    /// and the document has that field.
    public var titleHighlight: Snippet? = nil
    public var explanation: Explanation?
    /// When collapsing: the matches this hit stands for (its group's size, itself included).
    public var collapsedCount: Int? = nil
    /// In a search over several indexes (``ShardedSearcher``): the index the hit is in, as
    /// numbered there (its `address` is within that index); nil otherwise.
    public var shard: Int? = nil
}

/// The results of a search.
public struct SearchResults: Sendable {
    /// Matching documents. Exact unless `totalIsLowerBound`.
    public var total: Int
    /// True when block-max pruning skipped documents without counting them
    /// (relevance order only; set `exactCount` to force an exact count), and when the search
    /// timed out (unless the total came from the dictionaries, which stays exact).
    public var totalIsLowerBound: Bool
    public var hits: [SearchHit]
    /// Time spent in the search, in microseconds.
    public var tookMicroseconds: Int
    /// The facets asked for, in the order of `SearchRequest.facets`.
    public var facets: [FacetResult] = []
    /// Opaque: pass as `SearchRequest.cursor` for the next page; nil when no hit follows.
    public var cursor: String? = nil
    /// When collapsing: the number of groups among all matches (a document without a value
    /// is a group of its own); `total` still counts documents.
    public var groupCount: Int? = nil
    /// The offset applied (0 after a cursor).
    public var offset: Int = 0
    /// Clauses of the query text left out because they analyze to no term (`&` in
    /// `oil & gas`), in query order; when every clause was, nothing matches.
    public var ignored: [IgnoredClause] = []
    /// The query as searched, in query syntax, when the index's synonyms rewrote it
    /// (`(vietnam OR "viet nam")`); nil when they did not.
    public var expandedQuery: String? = nil
    /// Whether the search stopped at its ``SearchRequest/timeout`` before seeing every match.
    /// Then every hit is still a true match with its true score, but the hits are the best of
    /// the documents reached (segments in order, documents ascending), not of all; `total` and
    /// `groupCount` are lower bounds (`totalIsLowerBound` is set), facet counts count the
    /// matches reached, and `cursor` is nil (a next page would skip the matches not reached).
    public var timedOut: Bool = false
    /// "Did you mean": the query with misspelled words replaced by close words of the index
    /// that find more documents together (`vietnm legasy` → `vietnam legacy`); nil when the
    /// query finds enough or no variant does better (see `DidYouMean`).
    public var suggestion: String? = nil

    /// Whether the offset skipped every hit ("offset 500 is past the last of 120 matches"):
    /// compare `offset` with `groupCount ?? total`.
    public var offsetIsPastEnd: Bool { offset > 0 && hits.isEmpty && offset >= (groupCount ?? total) }
}
