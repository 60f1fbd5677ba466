import Foundation

/// Runs searches on one snapshot (an ``IndexReader``).
///
/// Every search takes the same path: the query becomes a weight (terms analyzed and looked
/// up once per segment, weighted with the snapshot's statistics), and each segment's bulk
/// scorer feeds the collectors. Thread-safe: concurrent searches share the reader's mapped
/// files; each borrows an analyzer from a small pool.
public final class Searcher: @unchecked Sendable {
    // @unchecked: `analyzerPool` is only touched under `poolLock`; everything else is immutable.
    public let reader: IndexReader
    private let poolLock = NSLock()
    private var analyzerPool: [Analyzer] = []

    public init(reader: IndexReader) {
        self.reader = reader
    }

    /// Runs `body` with an analyzer of the index's language (stemmers are not thread-safe, so
    /// each concurrent search borrows its own).
    func withAnalyzer<R>(_ body: (Analyzer) throws -> R) throws -> R {
        poolLock.lock()
        let a = analyzerPool.popLast()
        poolLock.unlock()
        let analyzer = try a ?? Analyzer(language: reader.schema.language)
        defer { poolLock.lock(); analyzerPool.append(analyzer); poolLock.unlock() }
        return try body(analyzer)
    }

    /// Parses `text` with this index's fields.
    public func parse(_ text: String, defaultOperator: DefaultOperator = .and) throws -> any Query {
        try QueryParser.parse(text, defaultOperator: defaultOperator, knownFields: reader.indexedFieldNames,
                              fieldTypes: reader.columnFieldTypes)
    }

    /// Feeds `collector` every match of `query` (segments in order, documents ascending).
    /// `fields` are searched by clauses without `field:` (nil: the schema's default fields).
    ///
    /// Returns the number of matches counted: exact, unless the collector's score mode is
    /// `.topScores`, where documents that could not compete may go uncounted.
    @discardableResult
    public func search(_ query: any Query, fields: [String]? = nil, collector: any Collector) throws -> Int {
        try withAnalyzer { analyzer in
            let weight = try WeightContext(reader: reader, analyzer: analyzer, fields: fields).weight(query)
            return try collect(weight, into: collector, after: nil, before: nil)
        }
    }

    /// The exact number of live documents matching `query`. Segments without deletions take
    /// it from the dictionary where the query allows (a single term, everything), without
    /// iterating postings.
    public func count(_ query: any Query, fields: [String]? = nil) throws -> Int {
        try withAnalyzer { analyzer in
            let weight = try WeightContext(reader: reader, analyzer: analyzer, fields: fields).weight(query)
            let counter = CountCollector()
            for (s, seg) in reader.segments.enumerated() {
                let context = SegmentContext(ordinal: s, segment: seg)
                if seg.deletedBits == nil, let n = weight.count(context) { counter.add(n); continue }
                _ = weight.bulkScorer(context, mode: .completeNoScores)?
                    .score(into: counter, accept: DocFilter(segment: seg, after: nil, before: nil), mode: .completeNoScores)
            }
            try reader.throwIfDamaged()
            return counter.count
        }
    }

    /// The one collection loop: each segment's bulk scorer into the collector's leaf.
    func collect(_ weight: Weight, into collector: any Collector, after: Int64?, before: Int64?) throws -> Int {
        let mode = collector.scoreMode
        var matched = 0
        for (s, seg) in reader.segments.enumerated() {
            let context = SegmentContext(ordinal: s, segment: seg)
            let leaf = try collector.leafCollector(for: context)
            guard let bulk = weight.bulkScorer(context, mode: mode) else { continue }
            matched += bulk.score(into: leaf, accept: DocFilter(segment: seg, after: after, before: before), mode: mode)
        }
        // Cursors that met damaged postings ended their lists early: the result is not trusted.
        try reader.throwIfDamaged()
        return matched
    }

    /// The exact match count from the segments' dictionaries, when every segment can give it
    /// (no deletions, no date filter, a query that knows its count); nil otherwise.
    private func dictionaryCount(_ weight: Weight) -> Int? {
        var total = 0
        for (s, seg) in reader.segments.enumerated() {
            guard seg.deletedBits == nil, let n = weight.count(SegmentContext(ordinal: s, segment: seg)) else { return nil }
            total += n
        }
        return total
    }

    /// Runs a ``SearchRequest``: the top hits in the requested order, with the stored
    /// documents, snippets and explanations it asks for.
    public func search(_ request: SearchRequest) throws -> SearchResults {
        let start = DispatchTime.now().uptimeNanoseconds
        let query = try request.parsedQuery ?? parse(request.query, defaultOperator: request.defaultOperator)
        return try withAnalyzer { analyzer in
            let context = try WeightContext(reader: reader, analyzer: analyzer, fields: request.fields)
            let weight = try context.weight(query)
            let k = max(0, request.offset) + max(0, request.limit)
            let filtered = request.after != nil || request.before != nil
            // An exact count the dictionaries already hold lets the top hits be pruned.
            let knownTotal = request.exactCount && !filtered ? dictionaryCount(weight) : nil
            let top: [ScoredDocument]
            var lowerBound = false
            var total: Int
            if request.sort == .relevance {
                let collector = TopScoreCollector(k: k, exactCount: request.exactCount && knownTotal == nil)
                total = try collect(weight, into: collector, after: request.after, before: request.before)
                // Pruning starts only once `k` hits are kept: before that, every match was counted.
                lowerBound = collector.scoreMode == .topScores && collector.isFull
                top = collector.topDocuments
            } else {
                let collector = TopSortedCollector(k: k, order: request.sort)
                total = try collect(weight, into: collector, after: request.after, before: request.before)
                top = collector.topDocuments
            }
            if let knownTotal { total = knownTotal; lowerBound = false }
            let ranked = top.dropFirst(max(0, request.offset))
            let highlight = request.snippetField != nil && !ranked.isEmpty ? weight.highlightTerms : []
            var hits: [SearchHit] = []
            hits.reserveCapacity(ranked.count)
            for scored in ranked {
                hits.append(try hit(scored, weight: weight, highlight: highlight, request: request, analyzer: analyzer))
            }
            let took = Int((DispatchTime.now().uptimeNanoseconds - start) / 1000)
            return SearchResults(total: total, totalIsLowerBound: lowerBound, hits: hits, tookMicroseconds: took)
        }
    }

    /// One result, with what the request asks to attach.
    private func hit(_ scored: ScoredDocument, weight: Weight, highlight: [[String]], request: SearchRequest,
                     analyzer: Analyzer) throws -> SearchHit {
        let address = scored.address
        let segment = reader.segments[address.segment]
        let needsDocument = request.loadDocuments || request.snippetField != nil
        let doc = needsDocument ? try reader.storedDocument(address) : nil
        var hit = SearchHit(id: segment.externalId(address.doc), score: scored.score, address: address,
                            document: request.loadDocuments ? doc : nil, snippet: nil, explanation: nil)
        if let field = request.snippetField, let text = doc?.fields[field] {
            hit.snippet = Snippet.make(text: text, sequences: highlight, analyzer: analyzer, length: request.snippetLength)
        }
        if request.explain {
            let entries = weight.explain(SegmentContext(ordinal: address.segment, segment: segment), doc: UInt32(address.doc)) ?? []
            hit.explanation = Explanation(score: entries.reduce(0) { $0 + $1.score }, entries: entries, docCount: reader.liveDocCount)
        }
        return hit
    }

    /// Convenience: the top `limit` hits of `query`.
    public func search(_ query: String, limit: Int = 10) throws -> SearchResults {
        try search(SearchRequest(query: query, limit: limit))
    }
}
