/// The collection-wide figures BM25 weighs terms with: how many live documents there are,
/// their mean length per field, and how many hold a term.
///
/// A search over one index takes them from its snapshot. A search over several indexes
/// (``ShardedSearcher``) gives every shard the figures of all of them together, so that each
/// shard scores its documents exactly as one index holding every document would (Lucene's
/// distributed term statistics, computed here in one process).
///
/// `@unchecked Sendable`: it holds readers, which are immutable snapshots shared by searches.
struct CollectionStatistics: @unchecked Sendable {
    /// Live documents in the collection.
    let docCount: Int
    /// Mean field length over live documents, per indexed field number.
    let averageLengths: [Double]
    /// The other shards, whose documents holding a term add to its document frequency.
    let otherShards: [IndexReader]

    /// The statistics of one snapshot on its own.
    init(_ reader: IndexReader) {
        docCount = reader.liveDocCount
        averageLengths = reader.averageLengths
        otherShards = []
    }

    /// The statistics of all `shards` together, for searching shard `index` of them. Lengths
    /// are summed as integers before dividing, so the means equal those of one index holding
    /// every document. The shards must have the same schema (``ShardedSearcher`` checks it).
    init(shards: [IndexReader], for index: Int) {
        docCount = shards.reduce(0) { $0 + $1.liveDocCount }
        let fields = shards.first?.schema.indexedFields.count ?? 0
        averageLengths = (0..<fields).map { f in
            let segments = shards.flatMap(\.manifest.segments)
            let sum = segments.reduce(0.0) { $0 + Double($1.lengthSums[f]) - Double($1.deletedLengthSums[f]) }
            let docs = segments.reduce(0) { $0 + $1.liveCount }
            return docs > 0 ? sum / Double(docs) : 0
        }
        otherShards = shards.enumerated().filter { $0.offset != index }.map(\.element)
    }

    /// Live documents of the other shards holding `term` in `field` (0 for a single index).
    func docFreqElsewhere(field: Int, term: UnsafeRawBufferPointer) -> Int {
        otherShards.reduce(0) { $0 + $1.docFreq(field: field, term: term) }
    }
}
