/// The JSON form of related articles, shared by `loupe similar --json` and
/// `GET /documents/{id}/similar`:
///
///     {"id": "reuters-10", "total": 12, "took_us": 310, "timed_out": false,
///      "terms": [{"field": "body", "term": "termin", "tf": 4, "df": 3, "score": 9.1, "boost": 1}, ...],
///      "hits": [hit, ...]}
///
/// `terms` are the article's picked terms, best first (see `MoreLikeThis`); `total` counts
/// the documents matching any of them, the article left out; each hit is a search hit (see
/// `SearchResultsJSON`) with its stored fields and `"snippet": null`. `timed_out` is true when
/// the search stopped at its timeout (then `total` is a lower bound).
public struct RelatedArticlesJSON: Encodable, Sendable {
    public var id: String
    public var related: RelatedArticles
    public var schema: Schema

    public init(id: String, related: RelatedArticles, schema: Schema) {
        self.id = id
        self.related = related
        self.schema = schema
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(id, forKey: "id")
        try c.encode(related.results.total, forKey: "total")
        try c.encode(related.results.tookMicroseconds, forKey: "took_us")
        try c.encode(related.results.timedOut, forKey: "timed_out")
        var terms = c.nestedUnkeyedContainer(forKey: "terms")
        for t in related.terms {
            var o = terms.nestedContainer(keyedBy: JSONKey.self)
            try o.encode(t.field, forKey: "field")
            try o.encode(t.term, forKey: "term")
            try o.encode(t.termFrequency, forKey: "tf")
            try o.encode(t.documentFrequency, forKey: "df")
            try o.encode(t.score, forKey: "score")
            try o.encode(t.boost, forKey: "boost")
        }
        var hits = c.nestedUnkeyedContainer(forKey: "hits")
        for (i, hit) in related.results.hits.enumerated() {
            var h = hits.nestedContainer(keyedBy: JSONKey.self)
            try SearchResultsJSON.encode(hit, rank: i + 1, schema: schema, into: &h)
        }
    }
}
