/// The JSON form of a score's breakdown, in `loupe search --json --explain` and
/// `GET /search?explain=true`:
///
///     {"score": 3.1, "doc_count": 1000, "k1": 1.2, "b": 0.75,
///      "entries": [{"clause": "body:oil", "field": "body", "tf": 2, "df": [40], "dl": 120,
///                   "avgdl": 98.5, "idf": 3.2, "boost": 1.0, "score": 3.1}]}
extension Explanation: Encodable {
    /// Writes `score`, `doc_count`, BM25's `k1` and `b`, then the `entries`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(score, forKey: "score")
        try c.encode(docCount, forKey: "doc_count")
        try c.encode(BM25.k1, forKey: "k1")
        try c.encode(BM25.b, forKey: "b")
        try c.encode(entries, forKey: "entries")
    }
}

extension Explanation.Entry: Encodable {
    /// Writes `clause`, `field`, `tf`, `df`, `dl`, `avgdl`, `idf`, `boost` and `score`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(clause, forKey: "clause")
        try c.encode(field, forKey: "field")
        try c.encode(tf, forKey: "tf")
        try c.encode(df, forKey: "df")
        try c.encode(dl, forKey: "dl")
        try c.encode(avgdl, forKey: "avgdl")
        try c.encode(idf, forKey: "idf")
        try c.encode(boost, forKey: "boost")
        try c.encode(score, forKey: "score")
    }
}
