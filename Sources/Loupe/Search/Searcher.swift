import Foundation

/// Runs searches on one snapshot. Thread-safe: concurrent searches share the reader's mapped
/// files; each search borrows an analyzer from a small pool (stemmers are not thread-safe).
public final class Searcher: @unchecked Sendable {
    public let reader: IndexReader
    private let poolLock = NSLock()
    private var analyzerPool: [Analyzer] = []

    public init(reader: IndexReader) {
        self.reader = reader
    }

    func withAnalyzer<R>(_ body: (Analyzer) throws -> R) throws -> R {
        poolLock.lock()
        let a = analyzerPool.popLast()
        poolLock.unlock()
        let analyzer = try a ?? Analyzer(language: reader.schema.language)
        defer { poolLock.lock(); analyzerPool.append(analyzer); poolLock.unlock() }
        return try body(analyzer)
    }

    /// Parses `text` with this index's fields.
    public func parse(_ text: String, defaultOperator: DefaultOperator = .and) throws -> QueryNode {
        try QueryParser.parse(text, defaultOperator: defaultOperator, knownFields: reader.indexedFieldNames)
    }

    public func search(_ request: SearchRequest) throws -> SearchResults {
        let start = DispatchTime.now().uptimeNanoseconds
        let node = try request.queryNode ?? parse(request.query, defaultOperator: request.defaultOperator)
        return try withAnalyzer { analyzer in
            var planner = try QueryPlanner(reader: reader, analyzer: analyzer, fields: request.fields)
            let plan = try planner.plan(node)
            let k = max(0, request.offset) + max(0, request.limit)
            let after = request.after, before = request.before
            var top = TopK(k: k, byKey: request.sort != .relevance)
            var total = 0
            var lowerBound = false
            if request.sort == .relevance, !request.exactCount, let leaves = plan.disjunctiveLeaves {
                lowerBound = true
                for (s, seg) in reader.segments.enumerated() {
                    let lists: [BlockMaxScore.List] = leaves.compactMap { leaf in
                        guard let info = leaf.term.withUnsafeBytes({ seg.termInfo(field: leaf.field, term: $0) }) else { return nil }
                        return BlockMaxScore.List(cursor: seg.cursor(info), bm25: leaf.bm25, lengths: seg.norms[leaf.field].baseAddress!)
                    }
                    if lists.isEmpty { continue }
                    total += BlockMaxScore.run(lists: lists, segment: Int32(s), filter: DocFilter(segment: seg, after: after, before: before), top: &top)
                }
                // Every document was scored when the heap never filled: the count is exact.
                if !top.isFull { lowerBound = false }
            } else if request.sort == .relevance && !request.exactCount {
                // Block-max pruning over any scorer tree: windows whose bound cannot beat
                // the k-th best score are skipped without decoding positions or scoring.
                lowerBound = true
                for (s, seg) in reader.segments.enumerated() {
                    guard let scorer = plan.scorer(segment: seg) else { continue }
                    total += Searcher.collectPruned(scorer, segment: Int32(s), filter: DocFilter(segment: seg, after: after, before: before), top: &top)
                }
                if !top.isFull { lowerBound = false }
            } else {
                let sign: Int64 = request.sort == .oldest ? -1 : 1
                for (s, seg) in reader.segments.enumerated() {
                    guard let scorer = plan.scorer(segment: seg) else { continue }
                    let dates = seg.dates
                    let filter = DocFilter(segment: seg, after: after, before: before)
                    while scorer.next() != Scorer.noMore {
                        let d = Int(scorer.doc)
                        guard filter.passes(d) else { continue }
                        let date = dates[d]
                        total += 1
                        let key: Int64 = request.sort == .relevance ? 0 : (date == DatesFile.missing ? Int64.min : sign &* date)
                        if top.byKey || !top.isFull {
                            top.insert(TopK.Entry(score: scorer.score(), segment: Int32(s), doc: scorer.doc, key: key))
                        } else {
                            let score = scorer.score()
                            if score > top.threshold { top.insert(TopK.Entry(score: score, segment: Int32(s), doc: scorer.doc, key: key)) }
                        }
                    }
                }
            }
            let ranked = top.sorted().dropFirst(max(0, request.offset))
            var hits: [SearchHit] = []
            hits.reserveCapacity(ranked.count)
            for e in ranked {
                let address = IndexReader.DocAddress(segment: Int(e.segment), doc: Int(e.doc))
                let needsDocument = request.loadDocuments || request.snippetField != nil
                let doc = needsDocument ? try reader.storedDocument(address) : nil
                var hit = SearchHit(id: reader.segments[address.segment].externalId(address.doc), score: e.score, address: address,
                                    document: request.loadDocuments ? doc : nil, snippet: nil, explanation: nil)
                if let field = request.snippetField, let text = doc?.fields[field] {
                    hit.snippet = Snippet.make(text: text, sequences: planner.highlightSequences, analyzer: analyzer, length: request.snippetLength)
                }
                if request.explain {
                    hit.explanation = Explanation.make(plan: plan, reader: reader, address: address)
                }
                hits.append(hit)
            }
            let took = Int((DispatchTime.now().uptimeNanoseconds - start) / 1000)
            return SearchResults(total: total, totalIsLowerBound: lowerBound, hits: hits, tookMicroseconds: took)
        }
    }

    /// Relevance top-k over one segment with block-max pruning; returns the documents scored.
    /// Until the heap is full nothing can be pruned, so bounds are not computed (a query with
    /// few matches never pays for them).
    static func collectPruned(_ scorer: Scorer, segment: Int32, filter: DocFilter, top: inout TopK) -> Int {
        var scored = 0
        var target: UInt32 = 0
        while true {
            let threshold = top.threshold
            let bounded = top.isFull
            var upTo = Scorer.noMore - 2
            if bounded {
                var bound: Double
                (bound, upTo) = scorer.shallowBound(target)
                if upTo < target { (bound, upTo) = (.infinity, Scorer.noMore - 2) } // no usable bound: never loop
                if bound * BlockMaxScore.slack <= threshold {
                    if upTo >= Scorer.noMore - 2 { break }
                    target = upTo + 1
                    continue
                }
            }
            var d = scorer.advance(target)
            while d <= upTo {
                if filter.passes(Int(d)) {
                    scored += 1
                    let s = scorer.score()
                    if s > top.threshold {
                        top.insert(TopK.Entry(score: s, segment: segment, doc: d, key: 0))
                        if top.isFull { scorer.minCompetitiveScore = top.threshold }
                    }
                }
                d = scorer.next()
                if !bounded && top.isFull { break } // the heap just filled: bounds can prune from here
            }
            if d == Scorer.noMore { break }
            target = d
        }
        return scored
    }

    /// Convenience: the top `limit` hits of `query`.
    public func search(_ query: String, limit: Int = 10) throws -> SearchResults {
        try search(SearchRequest(query: query, limit: limit))
    }
}
