import Foundation

/// Runs searches on one snapshot (an ``IndexReader``).
///
/// Every search takes the same path: the query becomes a weight (terms analyzed and looked
/// up once per segment, weighted with the snapshot's statistics), and each segment's bulk
/// scorer feeds the collectors. Thread-safe: concurrent searches share the reader's mapped
/// files; each borrows an analyzer from a small pool.
public final class Searcher: @unchecked Sendable {
    // @unchecked: `analyzerPool` and `synonymExpansion` are only touched under `poolLock`; everything else is immutable.
    public let reader: IndexReader
    private let poolLock = NSLock()
    private var analyzerPool: [Analyzer] = []

    /// The snapshot's synonyms compiled with its analyzer, on first use (under `poolLock`).
    private var synonymExpansion: SynonymExpansion?

    /// The figures terms are weighed with when they are not the snapshot's own: a shard of a
    /// ``ShardedSearcher`` weighs with those of all shards together.
    let statistics: CollectionStatistics?

    public init(reader: IndexReader) {
        self.reader = reader
        statistics = nil
    }

    /// A searcher of one shard, weighing terms with `statistics` (of every shard).
    init(reader: IndexReader, statistics: CollectionStatistics) {
        self.reader = reader
        self.statistics = statistics
    }

    /// A searcher of `reader` (a refreshed snapshot of `previous`'s index) that takes over the
    /// analyzers `previous` is not using, so a refresh does not rebuild them (they depend on
    /// the schema only, which a commit never changes).
    convenience init(reader: IndexReader, sharingAnalyzersOf previous: Searcher) {
        self.init(reader: reader)
        guard reader.schema == previous.reader.schema else { return }
        previous.poolLock.lock()
        analyzerPool = previous.analyzerPool
        previous.analyzerPool.removeAll()
        previous.poolLock.unlock()
    }

    /// `query` with the index's synonyms applied (see ``Synonyms``): what `search(_:)` of a ``SearchRequest``
    /// runs unless the request turns `expandSynonyms` off. The query itself when no synonym matches.
    public func expandingSynonyms(_ query: any Query) throws -> any Query {
        try withAnalyzer { expandingSynonyms(query, analyzer: $0) }
    }

    func expandingSynonyms(_ query: any Query, analyzer: Analyzer) -> any Query {
        poolLock.lock()
        let cached = synonymExpansion
        poolLock.unlock()
        let expansion = cached ?? SynonymExpansion(reader.synonyms, analyzer: analyzer)
        if cached == nil { poolLock.lock(); synonymExpansion = expansion; poolLock.unlock() }
        return expansion.rewrite(query, analyzer: analyzer)
    }

    /// Runs `body` with an analyzer of the index's language (stemmers are not thread-safe, so
    /// each concurrent search borrows its own).
    func withAnalyzer<R>(_ body: (Analyzer) throws -> R) throws -> R {
        poolLock.lock()
        let a = analyzerPool.popLast()
        poolLock.unlock()
        let analyzer = try a ?? Analyzer(schema: reader.schema)
        defer { poolLock.lock(); analyzerPool.append(analyzer); poolLock.unlock() }
        return try body(analyzer)
    }

    /// Parses `text` with this index's fields, dropping the clauses that analyze to no term.
    public func parse(_ text: String, defaultOperator: DefaultOperator = .and) throws -> any Query {
        try parseReportingIgnored(text, defaultOperator: defaultOperator).query
    }

    /// Parses `text` with this index's fields and analyzer: the text clauses that analyze to no
    /// term (`&`, `—`) are dropped and listed (see ``QueryParser/parse(_:defaultOperator:knownFields:fieldTypes:isSearchable:)``).
    public func parseReportingIgnored(_ text: String, defaultOperator: DefaultOperator = .and) throws -> ParsedQuery {
        try withAnalyzer { analyzer in
            try QueryParser.parse(text, defaultOperator: defaultOperator, knownFields: reader.indexedFieldNames,
                                  fieldTypes: reader.columnFieldTypes, isSearchable: { analyzer.hasTerms($0) })
        }
    }

    /// Feeds `collector` every match of `query` (segments in order, documents ascending).
    /// `fields` are searched by clauses without `field:` (nil: the schema's default fields).
    ///
    /// Returns the number of matches counted: exact, unless the collector's score mode is
    /// `.topScores`, where documents that could not compete may go uncounted.
    @discardableResult
    public func search(_ query: any Query, fields: [String]? = nil, collector: any Collector) throws -> Int {
        try withAnalyzer { analyzer in
            let weight = try WeightContext(reader: reader, analyzer: analyzer, fields: fields, statistics: statistics).budgeted(for: query).weight(query)
            return try collect(weight, into: collector, after: nil, before: nil, deadline: nil)
        }
    }

    /// The same, stopping once `timeout` has passed (see ``SearchRequest/timeout``): `timedOut`
    /// tells whether it did, and then `collector` saw only some of the matches (each a true
    /// match with its true score) and `matched` is a lower bound.
    public func search(_ query: any Query, fields: [String]? = nil, collector: any Collector,
                       timeout: Duration) throws -> (matched: Int, timedOut: Bool) {
        let deadline = SearchDeadline(after: timeout)
        return try withAnalyzer { analyzer in
            var context = try WeightContext(reader: reader, analyzer: analyzer, fields: fields, statistics: statistics).budgeted(for: query)
            context.deadline = deadline
            let weight = try context.weight(query)
            let matched = try collect(weight, into: collector, after: nil, before: nil, deadline: deadline)
            return (matched, deadline.expired)
        }
    }

    /// The exact number of live documents matching `query`. Segments without deletions take
    /// it from the dictionary where the query allows (a single term, everything), without
    /// iterating postings.
    public func count(_ query: any Query, fields: [String]? = nil) throws -> Int {
        try count(query, fields: fields, deadline: nil)
    }

    /// The number of live documents matching `query`, counting until `timeout` has passed:
    /// exact unless `timedOut`, when it is a lower bound.
    public func count(_ query: any Query, fields: [String]? = nil, timeout: Duration) throws -> (count: Int, timedOut: Bool) {
        let deadline = SearchDeadline(after: timeout)
        let n = try count(query, fields: fields, deadline: deadline)
        return (n, deadline.expired)
    }

    private func count(_ query: any Query, fields: [String]?, deadline: SearchDeadline?) throws -> Int {
        try withAnalyzer { analyzer in
            var weightContext = try WeightContext(reader: reader, analyzer: analyzer, fields: fields, statistics: statistics).budgeted(for: query)
            weightContext.deadline = deadline
            let weight = try weightContext.weight(query)
            let counter = CountCollector()
            for (s, seg) in reader.segments.enumerated() {
                if let deadline, deadline.readClock() { break }
                let context = SegmentContext(ordinal: s, segment: seg, deadline: deadline)
                if seg.deletedBits == nil, let n = weight.count(context) { counter.add(n); continue }
                _ = weight.bulkScorer(context, mode: .completeNoScores)?
                    .score(into: counter, accept: DocFilter(segment: seg, after: nil, before: nil, deadline: deadline), mode: .completeNoScores)
            }
            try reader.throwIfDamaged()
            return counter.count
        }
    }

    /// The one collection loop: each segment's bulk scorer into the collector's leaf. With a
    /// deadline, the clock is read before each segment (weighing, an earlier pass or segment
    /// may have used the time up: then nothing more is collected) and the bulk scorers tick
    /// it as they go.
    func collect(_ weight: Weight, into collector: any Collector, after: Int64?, before: Int64?,
                 deadline: SearchDeadline?) throws -> Int {
        let mode = collector.scoreMode
        var matched = 0
        for (s, seg) in reader.segments.enumerated() {
            if let deadline, deadline.readClock() { break }
            let context = SegmentContext(ordinal: s, segment: seg, deadline: deadline)
            let leaf = try collector.leafCollector(for: context)
            guard let bulk = weight.bulkScorer(context, mode: mode) else { continue }
            matched += bulk.score(into: leaf, accept: DocFilter(segment: seg, after: after, before: before, deadline: deadline), mode: mode)
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

    /// Runs a ``SearchRequest``: the top hits in the requested order (after its cursor, at
    /// most one per group when collapsing), its facets over every match, with the stored
    /// documents, snippets and explanations it asks for.
    ///
    /// Facets need every match, so they turn off pruning. A multi-select facet whose field
    /// the request filters on is computed in a second pass without those filters. Throws
    /// `LoupeError.invalidRequest` for a malformed cursor or a field of the wrong type.
    public func search(_ request: SearchRequest) throws -> SearchResults {
        let start = DispatchTime.now().uptimeNanoseconds
        let deadline = request.sharedDeadline ?? request.timeout.map { SearchDeadline(after: $0) }
        let parsedQuery = try request.parsedQuery.map { ParsedQuery(query: $0) }
            ?? parseReportingIgnored(request.query, defaultOperator: request.defaultOperator)
        let parsed = parsedQuery.query
        let cursor = try request.cursor.map { try SearchCursor(decoding: $0) }
        let sort = request.sortField ?? SortField(request.sort)
        var results = try withAnalyzer { analyzer in
            let query = request.expandSynonyms ? expandingSynonyms(parsed, analyzer: analyzer) : parsed
            let filtered = Searcher.filtered(query, request.filters)
            var context = try WeightContext(reader: reader, analyzer: analyzer, fields: request.fields, statistics: statistics).budgeted(for: filtered)
            context.deadline = deadline
            let weight = try context.weight(filtered)
            let offset = cursor == nil ? max(0, request.offset) : 0
            let k = offset + max(0, request.limit)

            // Facets: in the main pass, or in a pass per multi-select field the filters restrict.
            var facets: [any FacetCollector] = []
            var main: [any Collector] = []
            var passes: [(field: String, collectors: [any Collector])] = []
            for f in request.facets {
                let c = try f.collector(reader: reader)
                facets.append(c)
                if f.multiSelect, request.filters.contains(where: { $0.filteredField == f.field }) {
                    if let i = passes.firstIndex(where: { $0.field == f.field }) { passes[i].collectors.append(c) }
                    else { passes.append((f.field, [c])) }
                } else {
                    main.append(c)
                }
            }
            func withFacets(_ c: any Collector) -> any Collector { main.isEmpty ? c : MultiCollector([c] + main) }

            var ranked: [(entry: TopK.Entry, count: Int?)]
            var total: Int
            var lowerBound = false
            var totalFromDictionaries = false
            var more: Bool
            var groupCount: Int?
            if let field = request.collapse {
                let collector: CollapseCollector
                if field == SearchRequest.nearDuplicates {
                    guard let settings = reader.schema.nearDuplicates else {
                        throw LoupeError.invalidRequest("collapsing near duplicates needs an index whose schema sets nearDuplicates")
                    }
                    // A first pass clusters the matches; the second collapses by cluster.
                    let clusters = NearDuplicateGroups(threshold: settings.threshold)
                    _ = try collect(weight, into: clusters, after: request.after, before: request.before, deadline: deadline)
                    collector = try CollapseCollector(reader: reader, nearDuplicates: clusters, k: k, sort: sort, after: cursor)
                } else {
                    collector = try CollapseCollector(reader: reader, field: field, k: k, sort: sort, after: cursor)
                }
                total = try collect(weight, into: withFacets(collector), after: request.after, before: request.before, deadline: deadline)
                let r = collector.ranked
                ranked = r.entries.map { ($0.entry, $0.count) }
                groupCount = collector.groupCount
                more = r.afterCursor > k
            } else if k == 0 && cursor == nil && !main.isEmpty {
                // Facets and no hits: the facet collectors alone, without scoring.
                let collector: any Collector = main.count == 1 ? main[0] : MultiCollector(main)
                total = try collect(weight, into: collector, after: request.after, before: request.before, deadline: deadline)
                ranked = []
                more = false
            } else if sort == nil && main.isEmpty {
                let filtered = request.after != nil || request.before != nil || !request.filters.isEmpty
                // An exact count the dictionaries already hold lets the top hits be pruned.
                let knownTotal = request.exactCount && !filtered ? dictionaryCount(weight) : nil
                let exact = request.exactCount && knownTotal == nil
                let collector = try cursor.map { try TopScoreCollector(k: k, exactCount: exact, after: $0) }
                    ?? TopScoreCollector(k: k, exactCount: exact)
                total = try collect(weight, into: collector, after: request.after, before: request.before, deadline: deadline)
                // Pruning starts only once `k` hits are kept: before that, every match was counted.
                lowerBound = collector.scoreMode == .topScores && collector.isFull
                if let knownTotal { total = knownTotal; lowerBound = false; totalFromDictionaries = true }
                ranked = collector.top.sorted().map { ($0, nil) }
                more = lowerBound || collector.matchesAfterCursor > k
            } else {
                let collector = try TopFieldCollector(reader: reader, k: k, sort: sort, after: cursor)
                total = try collect(weight, into: withFacets(collector), after: request.after, before: request.before, deadline: deadline)
                ranked = collector.entries.map { ($0, nil) }
                more = collector.matchesAfterCursor > k
            }
            for pass in passes {
                let others = request.filters.filter { $0.filteredField != pass.field }
                let w = try context.weight(Searcher.filtered(query, others))
                let c: any Collector = pass.collectors.count == 1 ? pass.collectors[0] : MultiCollector(pass.collectors)
                _ = try collect(w, into: c, after: request.after, before: request.before, deadline: deadline)
            }

            let page = ranked.dropFirst(offset)
            let highlight = (request.snippetField != nil || request.titleField != nil) && !page.isEmpty ? weight.fieldHighlights : []
            var hits: [SearchHit] = []
            hits.reserveCapacity(page.count)
            for (entry, count) in page {
                var h = try hit(entry.scored, weight: weight, highlight: highlight, request: request, analyzer: analyzer)
                h.collapsedCount = count
                hits.append(h)
            }
            let took = Int((DispatchTime.now().uptimeNanoseconds - start) / 1000)
            let timedOut = deadline?.expired == true
            // Matches past the deadline went uncounted (a count from the dictionaries is still exact).
            if timedOut && !totalFromDictionaries { lowerBound = true }
            var results = SearchResults(total: total, totalIsLowerBound: lowerBound, hits: hits, tookMicroseconds: took)
            results.timedOut = timedOut
            if !query.isEqual(to: parsed) { results.expandedQuery = query.description }
            results.facets = facets.map(\.result)
            results.ignored = parsedQuery.ignored
            results.groupCount = groupCount
            results.offset = offset
            // A timed-out search ordered only the matches it saw: a cursor would skip the others.
            if more, !timedOut, let last = page.last {
                let order = sort?.description ?? "relevance"
                results.cursor = SearchCursor(generation: reader.generation, order: order, entry: last.entry).encoded
            }
            return results
        }
        if request.suggest, request.parsedQuery == nil, cursor == nil, results.total < DidYouMean.fewHits,
           deadline.map({ !$0.readClock() }) ?? true {
            results.suggestion = try DidYouMean(searcher: self).suggestion(for: request, total: results.total, deadline: deadline)
            results.tookMicroseconds = Int((DispatchTime.now().uptimeNanoseconds - start) / 1000)
        }
        return results
    }

    /// `query` restricted by `filters`, each a non-scoring `Occur.filter` clause.
    static func filtered(_ query: any Query, _ filters: [any Query]) -> any Query {
        filters.isEmpty ? query : BooleanQuery([BooleanQuery.Clause(.must, query)] + filters.map { BooleanQuery.Clause(.filter, $0) })
    }

    /// One result, with what the request asks to attach.
    private func hit(_ scored: ScoredDocument, weight: Weight, highlight: [HighlightTerms], request: SearchRequest,
                     analyzer: Analyzer) throws -> SearchHit {
        let address = scored.address
        let segment = reader.segments[address.segment]
        let needsDocument = request.loadDocuments || request.snippetField != nil || request.titleField != nil
        let doc = needsDocument ? try reader.storedDocument(address) : nil
        var hit = SearchHit(id: segment.externalId(address.doc), score: scored.score, address: address,
                            document: request.loadDocuments ? doc : nil, snippet: nil, explanation: nil)
        // Each field marks only what the query looks for in it (`title:oil` marks no body text).
        func sequences(_ field: String) -> [[String]] {
            let number = reader.fieldNumbers[field]
            return highlight.filter { $0.applies(to: number) }.map(\.terms)
        }
        if let field = request.snippetField, let text = doc?.fields[field] {
            hit.snippet = Snippet.make(text: text, sequences: sequences(field), analyzer: analyzer,
                                       length: request.snippetLength, passages: request.snippetPassages)
        }
        if let field = request.titleField, let text = doc?.fields[field] {
            hit.titleHighlight = Snippet.whole(text: text, sequences: sequences(field), analyzer: analyzer)
        }
        if request.explain {
            let entries = weight.explain(SegmentContext(ordinal: address.segment, segment: segment), doc: UInt32(address.doc)) ?? []
            hit.explanation = Explanation(score: entries.reduce(0) { $0 + $1.score }, entries: entries, docCount: statistics?.docCount ?? reader.liveDocCount)
        }
        return hit
    }

    /// Convenience: the top `limit` hits of `query`.
    public func search(_ query: String, limit: Int = 10) throws -> SearchResults {
        try search(SearchRequest(query: query, limit: limit))
    }
}
