/// The JSON form of index statistics, in `loupe stats --json` and `GET /stats`: counts first,
/// then the fields, the totals over fields, bytes by file kind (in name order) and sizes.
extension IndexStats: Encodable {
    /// Writes the statistics with snake_case keys.
    public func encode(to encoder: any Encoder) throws {
        let bytes = OrderedJSONObject(members: bytesByKind.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        try OrderedJSONObject([
            "generation": generation, "format_version": formatVersion, "language": language,
            "analysis_version": analysisVersion,
            "documents": documents, "deleted_documents": deletedDocuments, "segments": segments,
            "fields": fields,
            "terms": fields.reduce(0) { $0 + $1.terms },
            "postings": fields.reduce(0) { $0 + $1.postings },
            "positions": fields.reduce(0) { $0 + $1.positions },
            "bytes_by_kind": bytes, "total_bytes": totalBytes, "index_bytes_without_store": indexBytesWithoutStore,
            "text_bytes": textBytes, "size_ratio": sizeRatio, "index_ratio_without_store": indexRatioWithoutStore,
        ]).encode(to: encoder)
    }
}

extension IndexStats.FieldStats: Encodable {
    /// Writes `name`, `terms`, `postings`, `positions` and `average_length`.
    public func encode(to encoder: any Encoder) throws {
        try OrderedJSONObject(["name": name, "terms": terms, "postings": postings, "positions": positions,
                               "average_length": averageLength])
            .encode(to: encoder)
    }
}
