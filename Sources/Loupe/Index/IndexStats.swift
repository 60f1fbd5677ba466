import Foundation

/// Sizes and counts of a snapshot, for `loupe stats` and monitoring.
public struct IndexStats: Sendable {
    /// Counts for one indexed field.
    public struct FieldStats: Sendable {
        /// The field's name.
        public var name: String
        /// Distinct terms summed over segments (a term in two segments counts twice).
        public var terms: Int
        /// Term-document pairs, summed over segments (deleted documents included).
        public var postings: Int
        /// Term occurrences, summed over segments (deleted documents included).
        public var positions: Int
        /// Mean field length in tokens over live documents (BM25's avgdl).
        public var averageLength: Double
    }

    /// Generation of the snapshot's commit.
    public var generation: Int
    /// Version of the file format the index is written in.
    public var formatVersion: Int
    /// Live (not deleted) documents.
    public var documents: Int
    /// Deleted documents still held by segments (until a merge drops them).
    public var deletedDocuments: Int
    /// Segments in the snapshot.
    public var segments: Int
    /// Stemming language, nil for none.
    public var language: String?
    /// The analysis rules the index's text is tokenized with (`Schema.analysis`: 1 for indexes
    /// created before versions were recorded).
    public var analysisVersion: Int
    /// Per indexed field, in schema order.
    public var fields: [FieldStats]
    /// Bytes on disk by file kind (terms, post, pos, norms, dates, store, del, manifest).
    public var bytesByKind: [String: Int]
    /// Bytes on disk of the whole snapshot (the sum of `bytesByKind`).
    public var totalBytes: Int
    /// Bytes of the search structures alone (everything but the document store).
    public var indexBytesWithoutStore: Int
    /// UTF-8 bytes of the indexed text.
    public var textBytes: Int
    /// `totalBytes / textBytes`.
    public var sizeRatio: Double
    /// `indexBytesWithoutStore / textBytes`.
    public var indexRatioWithoutStore: Double

    /// The statistics of `reader`'s snapshot. Reads the manifest's counts and each file's
    /// size (one `stat` per file); nothing is decoded.
    public init(reader: IndexReader) {
        let m = reader.manifest
        generation = m.generation
        formatVersion = m.formatVersion
        documents = reader.liveDocCount
        deletedDocuments = m.segments.reduce(0) { $0 + $1.deletedCount }
        segments = m.segments.count
        language = m.schema.language
        analysisVersion = m.schema.analysis
        fields = m.schema.indexedFields.enumerated().map { i, f in
            FieldStats(name: f.name,
                       terms: m.segments.reduce(0) { $0 + $1.termCounts[i] },
                       postings: m.segments.reduce(0) { $0 + $1.postingCounts[i] },
                       positions: m.segments.reduce(0) { $0 + $1.positionCounts[i] },
                       averageLength: reader.averageLengths[i])
        }
        var bytes: [String: Int] = [:]
        for name in m.referencedFiles where name != "write.lock" {
            let path = "\(reader.directory)/\(name)"
            let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
            let kind = name == Manifest.fileName ? "manifest" : String(name.split(separator: ".").last ?? "")
            bytes[kind, default: 0] += size
        }
        bytesByKind = bytes
        totalBytes = bytes.values.reduce(0, +)
        indexBytesWithoutStore = totalBytes - (bytes["store"] ?? 0)
        textBytes = m.segments.reduce(0) { $0 + $1.textBytes }
        sizeRatio = textBytes > 0 ? Double(totalBytes) / Double(textBytes) : 0
        indexRatioWithoutStore = textBytes > 0 ? Double(indexBytesWithoutStore) / Double(textBytes) : 0
    }
}
