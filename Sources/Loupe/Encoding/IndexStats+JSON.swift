/// The JSON form of index statistics, in `loupe stats --json` and `GET /stats`: counts first,
/// then the fields, the totals over fields, bytes by file kind (in name order) and sizes.
extension IndexStats: Encodable {
    /// Writes the statistics with snake_case keys.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(generation, forKey: "generation")
        try c.encode(formatVersion, forKey: "format_version")
        if let language { try c.encode(language, forKey: "language") } else { try c.encodeNil(forKey: "language") }
        try c.encode(documents, forKey: "documents")
        try c.encode(deletedDocuments, forKey: "deleted_documents")
        try c.encode(segments, forKey: "segments")
        try c.encode(fields, forKey: "fields")
        try c.encode(fields.reduce(0) { $0 + $1.terms }, forKey: "terms")
        try c.encode(fields.reduce(0) { $0 + $1.postings }, forKey: "postings")
        try c.encode(fields.reduce(0) { $0 + $1.positions }, forKey: "positions")
        var kinds = c.nestedContainer(keyedBy: JSONKey.self, forKey: "bytes_by_kind")
        for (kind, bytes) in bytesByKind.sorted(by: { $0.key < $1.key }) { try kinds.encode(bytes, forKey: JSONKey(kind)) }
        try c.encode(totalBytes, forKey: "total_bytes")
        try c.encode(indexBytesWithoutStore, forKey: "index_bytes_without_store")
        try c.encode(textBytes, forKey: "text_bytes")
        try c.encode(sizeRatio, forKey: "size_ratio")
        try c.encode(indexRatioWithoutStore, forKey: "index_ratio_without_store")
    }
}

extension IndexStats.FieldStats: Encodable {
    /// Writes `name`, `terms`, `postings`, `positions` and `average_length`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(name, forKey: "name")
        try c.encode(terms, forKey: "terms")
        try c.encode(postings, forKey: "postings")
        try c.encode(positions, forKey: "positions")
        try c.encode(averageLength, forKey: "average_length")
    }
}
