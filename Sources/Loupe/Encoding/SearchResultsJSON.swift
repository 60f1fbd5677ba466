/// The JSON form of a search's results, shared by `loupe search --json`, `loupe search --batch`
/// and `GET /search`.
///
/// In full (`--json`, `/search`):
///
///     {"query": "oil", "total": 2, "total_is_lower_bound": false, "timed_out": false, "took_us": 180,
///      "offset": 0, "limit": 10, "sort": "relevance", "hits": [hit, ...],
///      "facets": {...}, "cursor": "MSAzIHJl..." or null, "groups": 17}
///
/// `timed_out` is true when the search stopped at its timeout (`SearchResults.timedOut`): the
/// hits are true matches with their true scores, the best of the documents reached; `total`
/// and facet counts count those (`total_is_lower_bound` is then true) and `cursor` is `null`.
/// `expanded_query` is present when the index's synonyms rewrote the query: the query as
/// searched, in query syntax (`+(vietnam "viet nam")`).
/// `sort` is `relevance`, `newest`, `oldest` or `field:asc|desc`; `offset` is the offset
/// applied (0 after a cursor). `facets` is present when facets were asked for, keyed by
/// `FacetRequest.name`, in the order asked:
///
///     "facets": {"topic": [{"value": "crude", "count": 12}, ...],
///                "date:year": [{"value": "1987", "count": 70}],
///                "words:stats": {"count": 70, "min": 12, "max": 900, "sum": 14000, "mean": 200},
///                "words:ranges": [{"value": "0-100", "from": 0, "to": 100, "count": 20}, ...]}
///
/// (stats of no values have `null` min, max and mean; an open range end is `null`).
/// `cursor` continues after this page (`SearchRequest.cursor`), `null` when no hit follows;
/// `groups` (only when collapsing) counts the groups among all matches; `suggestion` (only
/// when there is one) is a corrected query ("did you mean", `SearchResults.suggestion`).
///
/// where each hit is
///
///     {"rank": 1, "id": "a1", "score": 2.4, "date": "2025-03-01", "fields": {"title": "...", ...},
///      "snippet": "Crude <mark>oil</mark> rose", "snippet_text": "Crude oil rose",
///      "highlights": [[6, 9]], "explanation": {...}}
///
/// `date` and `fields` (the stored fields in schema order) are present when the documents were
/// loaded; `snippet` is HTML-escaped with `<mark>` around the matches (`null` when the request
/// asked for no snippet), `snippet_text` is the same passage as plain text and `highlights` its
/// matches as UTF-16 offsets (JavaScript string indices); a long field gives up to three
/// passages (the densest in matches, in document order) joined by ` … `. `title_snippet` (the
/// whole title, HTML-escaped, matches in `<mark>`) and `title_highlights` (UTF-16 offsets
/// into the stored title) are present when the request highlights the title
/// (`SearchRequest.titleField`; the CLI and the HTTP service do). A query scoped to a field
/// (`title:oil`) marks only that field. `explanation` (see `Explanation`'s encoding) is
/// present with `explain`.
///
/// When collapsing, each hit also has `"collapsed": N`, the matches it stands for (itself included).
///
/// With ids and scores only (`--batch`, one line per query, kept small for benchmark harnesses):
///
///     {"query": "oil", "total": 2, "took_us": 180, "hits": [{"id": "a1", "score": 2.4}]}
///
/// followed, as in full, by `facets` when asked for, `"timed_out": true` when the search timed out, `cursor` when a page follows, `groups`
/// and per hit `collapsed` when collapsing.
public struct SearchResultsJSON: Encodable, Sendable {
    /// How much of each hit is written.
    public enum Detail: Sendable {
        /// Everything above, with the request's paging and the schema's field order.
        case full(request: SearchRequest, schema: Schema)
        /// `query`, `total`, `took_us` and each hit's `id` and `score`.
        case idsAndScores
    }

    /// The query as the user wrote it.
    public var query: String
    /// The results to write.
    public var results: SearchResults
    /// How much of each hit is written.
    public var detail: Detail

    /// The JSON form of `results`, the answer to `query`.
    public init(query: String, results: SearchResults, detail: Detail) {
        self.query = query
        self.results = results
        self.detail = detail
    }

    /// Writes the results in the form `detail` selects.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(query, forKey: "query")
        try c.encode(results.total, forKey: "total")
        switch detail {
        case .idsAndScores:
            try c.encode(results.tookMicroseconds, forKey: "took_us")
            if results.timedOut { try c.encode(true, forKey: "timed_out") }
            var hits = c.nestedUnkeyedContainer(forKey: "hits")
            for hit in results.hits {
                var h = hits.nestedContainer(keyedBy: JSONKey.self)
                try h.encode(hit.id, forKey: "id")
                try h.encode(hit.score, forKey: "score")
                if let n = hit.collapsedCount { try h.encode(n, forKey: "collapsed") }
                if let shard = hit.shard { try h.encode(shard, forKey: "shard") }
            }
            try encodeExtras(into: &c, alwaysCursor: false)
        case let .full(request, schema):
            try c.encode(results.totalIsLowerBound, forKey: "total_is_lower_bound")
            try c.encode(results.timedOut, forKey: "timed_out")
            try c.encode(results.tookMicroseconds, forKey: "took_us")
            try c.encode(results.offset, forKey: "offset")
            try c.encode(request.limit, forKey: "limit")
            try c.encode(request.sortDescription, forKey: "sort")
            if let expanded = results.expandedQuery { try c.encode(expanded, forKey: "expanded_query") }
            var hits = c.nestedUnkeyedContainer(forKey: "hits")
            for (i, hit) in results.hits.enumerated() {
                var h = hits.nestedContainer(keyedBy: JSONKey.self)
                try SearchResultsJSON.encode(hit, rank: results.offset + i + 1, schema: schema, into: &h)
            }
            try encodeExtras(into: &c, alwaysCursor: true)
        }
    }

    /// `facets` (when any), `cursor` (always, or only when set) and `groups` (when collapsing).
    private func encodeExtras(into c: inout KeyedEncodingContainer<JSONKey>, alwaysCursor: Bool) throws {
        if !results.facets.isEmpty {
            var facets = c.nestedContainer(keyedBy: JSONKey.self, forKey: "facets")
            for f in results.facets { try SearchResultsJSON.encode(f, into: &facets) }
        }
        if let cursor = results.cursor { try c.encode(cursor, forKey: "cursor") }
        else if alwaysCursor { try c.encodeNil(forKey: "cursor") }
        if let groups = results.groupCount { try c.encode(groups, forKey: "groups") }
        // `ignored` (when any): the clauses left out because they analyze to no term.
        if !results.ignored.isEmpty {
            var ignored = c.nestedUnkeyedContainer(forKey: "ignored")
            for clause in results.ignored {
                var o = ignored.nestedContainer(keyedBy: JSONKey.self)
                try o.encode(clause.text, forKey: "text")
                try o.encode(clause.position, forKey: "position")
            }
        }
        if let suggestion = results.suggestion { try c.encode(suggestion, forKey: "suggestion") }
    }

    /// One facet under its name: an object for stats, else an array of buckets.
    static func encode(_ f: FacetResult, into c: inout KeyedEncodingContainer<JSONKey>) throws {
        let key = JSONKey(f.name)
        if case .stats = f.request.kind {
            let s = f.stats ?? NumberStats(count: 0, min: nil, max: nil, sum: 0)
            var o = c.nestedContainer(keyedBy: JSONKey.self, forKey: key)
            try o.encode(s.count, forKey: "count")
            if let v = s.min { try o.encode(v, forKey: "min") } else { try o.encodeNil(forKey: "min") }
            if let v = s.max { try o.encode(v, forKey: "max") } else { try o.encodeNil(forKey: "max") }
            try o.encode(s.sum, forKey: "sum")
            if let v = s.mean { try o.encode(v, forKey: "mean") } else { try o.encodeNil(forKey: "mean") }
            return
        }
        var buckets = c.nestedUnkeyedContainer(forKey: key)
        for b in f.buckets {
            var o = buckets.nestedContainer(keyedBy: JSONKey.self)
            try o.encode(b.value, forKey: "value")
            if case .ranges = f.request.kind {
                if let v = b.range?.from { try o.encode(v, forKey: "from") } else { try o.encodeNil(forKey: "from") }
                if let v = b.range?.to { try o.encode(v, forKey: "to") } else { try o.encodeNil(forKey: "to") }
            }
            try o.encode(b.count, forKey: "count")
        }
    }

    /// One hit: `rank` (1-based, offset included), `id`, `score`, the document, the snippet
    /// and the explanation.
    static func encode(_ hit: SearchHit, rank: Int, schema: Schema, into c: inout KeyedEncodingContainer<JSONKey>) throws {
        try c.encode(rank, forKey: "rank")
        try c.encode(hit.id, forKey: "id")
        try c.encode(hit.score, forKey: "score")
        if let document = hit.document {
            try StoredDocumentJSON.encodeDate(document.date, into: &c)
            var fields = c.nestedContainer(keyedBy: JSONKey.self, forKey: "fields")
            try StoredDocumentJSON.encodeFields(of: document, schema: schema, into: &fields)
        }
        if let snippet = hit.snippet {
            try c.encode(snippet.html, forKey: "snippet")
            try c.encode(snippet.text, forKey: "snippet_text")
            var highlights = c.nestedUnkeyedContainer(forKey: "highlights")
            for r in snippet.utf16Highlights { try highlights.encode([r.lowerBound, r.upperBound]) }
        } else {
            try c.encodeNil(forKey: "snippet")
        }
        if let title = hit.titleHighlight {
            try c.encode(title.html, forKey: "title_snippet")
            var highlights = c.nestedUnkeyedContainer(forKey: "title_highlights")
            for r in title.utf16Highlights { try highlights.encode([r.lowerBound, r.upperBound]) }
        }
        if let explanation = hit.explanation { try c.encode(explanation, forKey: "explanation") }
        if let n = hit.collapsedCount { try c.encode(n, forKey: "collapsed") }
        if let shard = hit.shard { try c.encode(shard, forKey: "shard") }
    }
}
