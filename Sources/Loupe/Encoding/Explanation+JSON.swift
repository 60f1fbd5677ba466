/// The JSON form of a score's breakdown, in `loupe search --json --explain` and
/// `GET /search?explain=true`:
///
///     {"score": 3.1, "doc_count": 1000, "k1": 1.2, "b": 0.75,
///      "entries": [{"clause": "body:oil", "field": "body", "tf": 2, "df": [40], "dl": 120,
///                   "avgdl": 98.5, "idf": 3.2, "boost": 1.0, "score": 3.1}]}
extension Explanation: Encodable {
    /// Writes `score`, `doc_count`, BM25's `k1` and `b`, then the `entries`.
    public func encode(to encoder: any Encoder) throws {
        try OrderedJSONObject(["score": score, "doc_count": docCount, "k1": BM25.k1, "b": BM25.b, "entries": entries])
            .encode(to: encoder)
    }
}

extension Explanation.Entry: Encodable {
    /// Writes `clause`, `field`, `tf`, `df`, `dl`, `avgdl`, `idf`, `boost` and `score`.
    public func encode(to encoder: any Encoder) throws {
        try OrderedJSONObject(["clause": clause, "field": field, "tf": tf, "df": df, "dl": dl,
                               "avgdl": avgdl, "idf": idf, "boost": boost, "score": score])
            .encode(to: encoder)
    }
}
