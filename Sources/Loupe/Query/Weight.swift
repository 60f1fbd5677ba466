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
    var termDisjunction: [WeightedTerm]? { nil }
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
    /// The most terms one prefix expands to (ties: see `PrefixQuery`).
    var maxExpansions = 1024

    init(reader: IndexReader, analyzer: Analyzer, fields: [String]? = nil) throws {
        self.reader = reader
        self.analyzer = analyzer
        defaultFields = try (fields ?? reader.searchFieldNames).map {
            guard let n = reader.fieldNumbers[$0] else { throw LoupeError.unknownField($0) }
            return n
        }
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
        }
        return TermStates(field: field, term: term, infos: infos, docFreq: docFreq)
    }

    /// `term` of `field` with its BM25 weight in that field.
    func weightedTerm(field: Int, term: [UInt8]) -> WeightedTerm {
        let states = termStates(field: field, term: term)
        let idf = BM25.idf(docCount: reader.liveDocCount, docFreq: states.docFreq)
        let boost = reader.fieldBoosts[field]
        return WeightedTerm(states: states, idf: idf, boost: boost,
                            bm25: BM25Weight(boost: boost, idf: idf, averageLength: reader.averageLengths[field]))
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

/// Matches nothing: a clause whose text analyzed to no term.
final class MatchNoneWeight: Weight {
    func scorer(_ segment: SegmentContext) -> Scorer? { nil }
    func explain(_ segment: SegmentContext, doc: UInt32) -> [Explanation.Entry]? { nil }
    func count(_ segment: SegmentContext) -> Int? { 0 }
    var termDisjunction: [WeightedTerm]? { [] }
}
