/// The JSON form of a search's results, shared by `loupe search --json`, `loupe search --batch`
/// and `GET /search`.
///
/// In full (`--json`, `/search`):
///
///     {"query": "oil", "total": 2, "total_is_lower_bound": false, "took_us": 180,
///      "offset": 0, "limit": 10, "sort": "relevance", "hits": [hit, ...]}
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
/// matches as UTF-16 offsets (JavaScript string indices); `explanation` (see `Explanation`'s
/// encoding) is present with `explain`.
///
/// With ids and scores only (`--batch`, one line per query, kept small for benchmark harnesses):
///
///     {"query": "oil", "total": 2, "took_us": 180, "hits": [{"id": "a1", "score": 2.4}]}
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
            var hits = c.nestedUnkeyedContainer(forKey: "hits")
            for hit in results.hits {
                var h = hits.nestedContainer(keyedBy: JSONKey.self)
                try h.encode(hit.id, forKey: "id")
                try h.encode(hit.score, forKey: "score")
            }
        case let .full(request, schema):
            try c.encode(results.totalIsLowerBound, forKey: "total_is_lower_bound")
            try c.encode(results.tookMicroseconds, forKey: "took_us")
            try c.encode(request.offset, forKey: "offset")
            try c.encode(request.limit, forKey: "limit")
            try c.encode(request.sort.rawValue, forKey: "sort")
            var hits = c.nestedUnkeyedContainer(forKey: "hits")
            for (i, hit) in results.hits.enumerated() {
                var h = hits.nestedContainer(keyedBy: JSONKey.self)
                try SearchResultsJSON.encode(hit, rank: request.offset + i + 1, schema: schema, into: &h)
            }
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
        if let explanation = hit.explanation { try c.encode(explanation, forKey: "explanation") }
    }
}
