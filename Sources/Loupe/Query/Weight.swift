/// What a search builds from a query once, before touching any segment: terms analyzed and
/// looked up in every segment, weighted with snapshot-wide BM25 statistics (so every segment
/// scores alike). It then gives, per segment, a scorer, a bulk scorer, explanations and, where
/// cheap, an exact count (Lucene's `Weight`).
///
/// Weights are built per search and read by one thread; they are classes so a tree of them is
/// shared without copying.
protocol Weight: AnyObject {
    /// Iterates the segment's matches, or nil when nothing there can match.
    func scorer(_ segment: SegmentContext) -> Scorer?

    /// Scores the whole segment into a collector. The default takes the block-max MaxScore
    /// path for a pure disjunction of terms when the collector only wants competitive hits,
    /// else drives `scorer(_:)`.
    func bulkScorer(_ segment: SegmentContext, mode: ScoreMode) -> BulkScorer?

    /// Why `doc` matches, one entry per matched clause and field (whose scores add up to its
    /// score), or nil when it does not match.
    func explain(_ segment: SegmentContext, doc: UInt32) -> [Explanation.Entry]?

    /// The exact number of matches in the segment, deleted documents included, when known
    /// without iterating (a term's document frequency); nil otherwise.
    func count(_ segment: SegmentContext) -> Int?

    /// The analyzed term sequences the query looks for, for highlighting.
    var highlightTerms: [[String]] { get }

    /// `highlightTerms` with the fields each is searched in, so a snippet of one field marks
    /// only what the query looks for there (`title:oil` marks no body text).
    var fieldHighlights: [HighlightTerms] { get }

    /// The term lists of a pure disjunction (terms, prefixes, an OR of them), whose top hits
    /// the block-max MaxScore bulk scorer finds; nil for any other shape.
    var termDisjunction: [WeightedTerm]? { get }
}

extension Weight {
    func bulkScorer(_ segment: SegmentContext, mode: ScoreMode) -> BulkScorer? {
        if mode == .topScores, let terms = termDisjunction {
            return MaxScoreBulkScorer(terms: terms, segment: segment, fallback: { self.scorer(segment) })
        }
        return scorer(segment).map { ScorerBulkScorer(scorer: $0) }
    }

    func count(_ segment: SegmentContext) -> Int? { nil }
    var highlightTerms: [[String]] { [] }
    var fieldHighlights: [HighlightTerms] { highlightTerms.map { HighlightTerms(terms: $0, fields: nil) } }
    var termDisjunction: [WeightedTerm]? { nil }
}

/// An analyzed term sequence to highlight and the indexed field numbers it is searched in
/// (nil: any field).
struct HighlightTerms: Equatable {
    let terms: [String]
    let fields: Set<Int>?

    /// Whether the sequence is looked for in field number `field`.
    func applies(to field: Int?) -> Bool { fields == nil || field.map { fields!.contains($0) } == true }
}

/// A query kind that builds a weight. Internal: the built-in kinds conform; the public
/// `Query` protocol only describes queries.
protocol WeightBuilding {
    func weight(_ context: WeightContext) throws -> Weight
}

/// What weights are built with: one snapshot, the search's analyzer and its default fields.
struct WeightContext {
    let reader: IndexReader
    let analyzer: Analyzer
    /// Indexed field numbers searched by clauses without `field:`.
    let defaultFields: [Int]
    /// The most terms one prefix expands to in one field (which: see `PrefixQuery`); lowered by
    /// `budgeted(for:)` so that all the prefixes of a query share `maxTotalExpansions`.
    var maxExpansions = 1024
    /// The figures terms are weighed with: the snapshot's own, or those of every shard of a
    /// sharded search.
    let statistics: CollectionStatistics
    /// When the search must stop: the dictionary walks of prefixes and fuzzy terms tick it per
    /// term and end early once it expired (the search then collects nothing, so a partial
    /// expansion never decides a hit); nil for never.
    var deadline: SearchDeadline? = nil

    /// The most expansions all the prefixes of one query share (each in each field it searches).
    static let maxTotalExpansions = 4096

    init(reader: IndexReader, analyzer: Analyzer, fields: [String]? = nil, statistics: CollectionStatistics? = nil) throws {
        self.reader = reader
        self.analyzer = analyzer
        self.statistics = statistics ?? CollectionStatistics(reader)
        defaultFields = try (fields ?? reader.searchFieldNames).map {
            guard let n = reader.fieldNumbers[$0] else { throw LoupeError.unknownField($0) }
            return n
        }
    }

    /// This context for searching `query`: its distinct prefixes, counted once per field they
    /// search, share `maxTotalExpansions` equally (each at most 1,024 terms, at least 1), so a
    /// query of many prefixes does bounded work: 20 prefixes in 2 fields expand to at most 102
    /// terms each.
    func budgeted(for query: any Query) -> WeightContext {
        func prefixes(_ q: any Query) -> Int {
            if let p = q as? PrefixQuery { return p.field == nil ? defaultFields.count : 1 }
            if let b = q as? BoostQuery { return prefixes(b.query) }
            if let b = q as? BooleanQuery { return BooleanQuery.merged(b.clauses).reduce(0) { $0 + prefixes($1.clause.query) } }
            return 0
        }
        let n = prefixes(query)
        guard n > 0 else { return self }
        var c = self
        c.maxExpansions = max(1, min(maxExpansions, Self.maxTotalExpansions / n))
        return c
    }

    /// The weight of `query`, built by its own kind.
    func weight(_ query: any Query) throws -> Weight {
        guard let q = query as? any WeightBuilding else { throw LoupeError.unsupportedQuery(String(describing: type(of: query))) }
        return try q.weight(self)
    }

    /// The fields a clause searches: `name`'s number, or the default fields.
    func fieldNumbers(_ name: String?) throws -> [Int] {
        guard let name else { return defaultFields }
        guard let n = reader.fieldNumbers[name] else { throw LoupeError.unknownField(name) }
        return [n]
    }

    /// The terms of `text` as the index analyzed them, with their positions.
    func analyze(_ text: String) -> [(term: [UInt8], position: Int)] {
        var out: [([UInt8], Int)] = []
        analyzer.forEachTerm(in: text) { t, p in out.append((Array(t), p)) }
        return out
    }

    /// `term` of `field` looked up in every segment, once.
    func termStates(field: Int, term: [UInt8]) -> TermStates {
        var infos: [TermInfo?] = []
        infos.reserveCapacity(reader.segments.count)
        var docFreq = 0
        term.withUnsafeBytes { bytes in
            for (s, seg) in reader.segments.enumerated() {
                let info = seg.termInfo(field: field, term: bytes)
                infos.append(info)
                if let info { docFreq += reader.liveDocFreq(segment: s, field: field, term: bytes, info: info) }
            }
            docFreq += statistics.docFreqElsewhere(field: field, term: bytes)
        }
        return TermStates(field: field, term: term, infos: infos, docFreq: docFreq)
    }

    /// `term` of `field` with its BM25 weight in that field.
    func weightedTerm(field: Int, term: [UInt8]) -> WeightedTerm {
        let states = termStates(field: field, term: term)
        let idf = BM25.idf(docCount: statistics.docCount, docFreq: states.docFreq)
        let boost = reader.fieldBoosts[field]
        return WeightedTerm(states: states, idf: idf, boost: boost,
                            bm25: BM25Weight(boost: boost, idf: idf, averageLength: statistics.averageLengths[field]))
    }
}

/// One term of one field looked up in every segment of a snapshot (Lucene's `TermStates`).
struct TermStates {
    let field: Int
    let term: [UInt8]
    /// The term's dictionary entry in each segment (by ordinal); nil where it is absent.
    let infos: [TermInfo?]
    /// Live documents holding the term, over all segments.
    let docFreq: Int

    var text: String { String(decoding: term, as: UTF8.self) }

    /// A cursor over the term's postings in `segment`, or nil where it is absent.
    func cursor(_ segment: SegmentContext) -> PostingsCursor? {
        infos[segment.ordinal].map { segment.segment.cursor($0) }
    }
}

/// A term with its BM25 weight: the leaf of term, prefix and disjunction weights.
struct WeightedTerm {
    let states: TermStates
    let idf: Double
    let boost: Double
    let bm25: BM25Weight

    var field: Int { states.field }
}

extension WeightedTerm {
    /// The term with its score multiplied by `factor` (a merged repeated clause).
    func scaled(by factor: Double) -> WeightedTerm {
        WeightedTerm(states: states, idf: idf, boost: boost * factor, bm25: bm25.scaled(by: factor))
    }
}

/// A clause repeated n times among its siblings, built once: it matches as the clause does and
/// scores n times its score (what the n copies would add up to).
final class ScaledWeight: Weight {
    let inner: Weight
    let factor: Double

    init(_ inner: Weight, factor: Double) {
        self.inner = inner
        self.factor = factor
    }

    func scorer(_ segment: SegmentContext) -> Scorer? { inner.scorer(segment).map { ScaledScorer($0, factor: factor) } }

    func explain(_ segment: SegmentContext, doc: UInt32) -> [Explanation.Entry]? {
        inner.explain(segment, doc: doc)?.map { e in
            var e = e
            e.boost *= factor
            e.score *= factor
            return e
        }
    }

    func count(_ segment: SegmentContext) -> Int? { inner.count(segment) }
    var highlightTerms: [[String]] { inner.highlightTerms }
    var fieldHighlights: [HighlightTerms] { inner.fieldHighlights }
    var termDisjunction: [WeightedTerm]? { inner.termDisjunction?.map { $0.scaled(by: factor) } }
}

/// A scorer whose scores (and score bounds) are multiplied by a positive factor.
final class ScaledScorer: Scorer {
    let inner: Scorer
    let factor: Double
    init(_ inner: Scorer, factor: Double) {
        self.inner = inner
        self.factor = factor
        super.init()
    }
    override var minCompetitiveScore: Double {
        didSet { inner.minCompetitiveScore = minCompetitiveScore / factor }
    }
    override var cost: Int { inner.cost }
    override var width: Int { inner.width }
    override func next() -> UInt32 { doc = inner.next(); return doc }
    override func advance(_ target: UInt32) -> UInt32 { doc = inner.advance(target); return doc }
    override func score() -> Double { inner.score() * factor }
    override func shallowBound(_ target: UInt32) -> (bound: Double, upTo: UInt32) {
        let b = inner.shallowBound(target)
        return (b.bound * factor, b.upTo)
    }
    override var peekNext: UInt32 { inner.peekNext }
    override func prefetch(for target: UInt32) { inner.prefetch(for: target) }
    override var isTwoPhase: Bool { inner.isTwoPhase }
    override func approximate(_ target: UInt32) -> UInt32 { doc = inner.approximate(target); return doc }
    override func confirm() -> Bool { inner.confirm() }
}

/// Matches nothing: a clause whose text analyzed to no term.
final class MatchNoneWeight: Weight {
    func scorer(_ segment: SegmentContext) -> Scorer? { nil }
    func explain(_ segment: SegmentContext, doc: UInt32) -> [Explanation.Entry]? { nil }
    func count(_ segment: SegmentContext) -> Int? { 0 }
    var termDisjunction: [WeightedTerm]? { [] }
}
