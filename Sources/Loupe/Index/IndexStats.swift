import Foundation

/// Sizes and counts of a snapshot, for `loupe stats` and monitoring.
public struct IndexStats: Sendable {
    public struct FieldStats: Sendable {
        public var name: String
        /// Distinct terms summed over segments (a term in two segments counts twice).
        public var terms: Int
        public var postings: Int
        public var positions: Int
        public var averageLength: Double
    }

    public var generation: Int
    public var formatVersion: Int
    public var documents: Int
    public var deletedDocuments: Int
    public var segments: Int
    public var language: String?
    public var fields: [FieldStats]
    /// Bytes on disk by file kind (terms, post, pos, norms, dates, store, del, manifest).
    public var bytesByKind: [String: Int]
    public var totalBytes: Int
    /// Bytes of the search structures alone (everything but the document store).
    public var indexBytesWithoutStore: Int
    /// UTF-8 bytes of the indexed text.
    public var textBytes: Int
    /// `totalBytes / textBytes`.
    public var sizeRatio: Double
    public var indexRatioWithoutStore: Double

    public init(reader: IndexReader) {
        let m = reader.manifest
        generation = m.generation
        formatVersion = m.formatVersion
        documents = reader.liveDocCount
        deletedDocuments = m.segments.reduce(0) { $0 + $1.deletedCount }
        segments = m.segments.count
        language = m.schema.language
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
