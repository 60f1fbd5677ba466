/// A query after analysis and statistics: what every segment's scorer is built from.
/// Terms are analyzed with the index's analyzer and weighted with snapshot-wide BM25
/// statistics, so segment scorers agree on scores.
indirect enum QueryPlan {
    /// Term lists summed together: a term over several fields, or a prefix's expansions.
    case terms([TermLeaf])
    /// A phrase, one leaf per field; the document's score is the sum over fields.
    case phrase([PhraseLeaf])
    case dateRange(from: Int64, to: Int64)
    case matchAll
    case matchNone
    case boolean(must: [QueryPlan], should: [QueryPlan], mustNot: [QueryPlan])
}

/// One term in one field.
struct TermLeaf {
    var field: Int
    var term: [UInt8]
    var docFreq: Int
    var idf: Double
    var boost: Double
    var bm25: BM25Weight
}

/// One phrase in one field.
struct PhraseLeaf {
    var field: Int
    var terms: [[UInt8]]
    var offsets: [UInt32]
    var slop: Int
    var idf: Double
    var boost: Double
    var bm25: BM25Weight
}

/// Turns a parsed query into a plan for one snapshot.
struct QueryPlanner {
    let reader: IndexReader
    let analyzer: Analyzer
    /// Default fields (indexed field numbers) for clauses without `field:`.
    let defaultFields: [Int]
    /// Limit on the terms a prefix expands to (the most frequent are kept).
    var maxPrefixExpansions = 1024

    /// Terms and phrases the query looks for, for highlighting: analyzed term sequences.
    private(set) var highlightSequences: [[String]] = []

    init(reader: IndexReader, analyzer: Analyzer, fields: [String]? = nil) throws {
        self.reader = reader
        self.analyzer = analyzer
        let names = fields ?? reader.searchFieldNames
        defaultFields = try names.map {
            guard let n = reader.fieldNumbers[$0] else { throw LoupeError.unknownField($0) }
            return n
        }
    }

    private func fieldNumbers(_ name: String?) throws -> [Int] {
        guard let name else { return defaultFields }
        guard let n = reader.fieldNumbers[name] else { throw LoupeError.unknownField(name) }
        return [n]
    }

    private func boost(_ field: Int) -> Double { reader.fieldBoosts[field] }

    private func termLeaf(field: Int, term: [UInt8]) -> TermLeaf {
        let df = term.withUnsafeBytes { reader.docFreq(field: field, term: $0) }
        let idf = BM25.idf(docCount: reader.liveDocCount, docFreq: df)
        return TermLeaf(field: field, term: term, docFreq: df, idf: idf, boost: boost(field),
                        bm25: BM25Weight(boost: boost(field), idf: idf, averageLength: reader.averageLengths[field]))
    }

    private func analyze(_ text: String) -> [(term: [UInt8], position: Int)] {
        var out: [([UInt8], Int)] = []
        analyzer.forEachTerm(in: text) { t, p in out.append((Array(t), p)) }
        return out
    }

    mutating func plan(_ node: QueryNode) throws -> QueryPlan {
        switch node {
        case let .term(text, field):
            let tokens = analyze(text)
            if tokens.isEmpty { return .matchNone }
            if tokens.count > 1 { return try planPhrase(tokens, field: field, slop: 0) }
            highlightSequences.append([String(decoding: tokens[0].term, as: UTF8.self)])
            let leaves = try fieldNumbers(field).map { termLeaf(field: $0, term: tokens[0].term) }
            return .terms(leaves)
        case let .phrase(text, field, slop):
            let tokens = analyze(text)
            if tokens.isEmpty { return .matchNone }
            if tokens.count == 1 { return try plan(.term(text, field: field)) }
            return try planPhrase(tokens, field: field, slop: slop)
        case let .prefix(text, field):
            let tokens = analyze(text)
            // The prefix is folded like any term but not stemmed: a stem need not be a prefix
            // of the words it stems from.
            let folded = Analyzer.normalizeTerm(text)
            guard !folded.isEmpty, !tokens.isEmpty || !folded.isEmpty else { return .matchNone }
            var leaves: [TermLeaf] = []
            for f in try fieldNumbers(field) {
                var seen: [[UInt8]: Bool] = [:]
                var bytes = Array(folded.utf8)
                bytes.withUnsafeMutableBytes { prefix in
                    for seg in reader.segments {
                        seg.terms.forEachTerm(field: f, prefix: UnsafeRawBufferPointer(prefix)) { t, _ in
                            if seen.count < maxPrefixExpansions * 4 { seen[Array(t)] = true }
                            return seen.count < maxPrefixExpansions * 4
                        }
                    }
                }
                var expanded = seen.keys.map { termLeaf(field: f, term: $0) }.filter { $0.docFreq > 0 }
                if expanded.count > maxPrefixExpansions {
                    expanded.sort { $0.docFreq > $1.docFreq }
                    expanded = Array(expanded.prefix(maxPrefixExpansions))
                }
                expanded.sort { $0.term.lexicographicallyPrecedes($1.term) }
                for l in expanded { highlightSequences.append([String(decoding: l.term, as: UTF8.self)]) }
                leaves += expanded
                _ = bytes
            }
            return leaves.isEmpty ? .matchNone : .terms(leaves)
        case let .dateRange(from, to):
            return .dateRange(from: from ?? Int64.min + 1, to: to ?? Int64.max)
        case .matchAll:
            return .matchAll
        case let .boolean(clauses):
            var must: [QueryPlan] = [], should: [QueryPlan] = [], not: [QueryPlan] = []
            for c in clauses {
                let p = try plan(c.node)
                switch c.occur {
                case .must: must.append(p)
                case .should: should.append(p)
                case .mustNot: not.append(p)
                }
            }
            return .boolean(must: must, should: should, mustNot: not)
        }
    }

    private mutating func planPhrase(_ tokens: [(term: [UInt8], position: Int)], field: String?, slop: Int) throws -> QueryPlan {
        highlightSequences.append(tokens.map { String(decoding: $0.term, as: UTF8.self) })
        let base = tokens[0].position
        let offsets = tokens.map { UInt32($0.position - base) }
        var leaves: [PhraseLeaf] = []
        for f in try fieldNumbers(field) {
            let idf = tokens.reduce(0.0) { acc, t in acc + termLeaf(field: f, term: t.term).idf }
            leaves.append(PhraseLeaf(field: f, terms: tokens.map(\.term), offsets: offsets, slop: max(0, slop), idf: idf,
                                     boost: boost(f), bm25: BM25Weight(boost: boost(f), idf: idf, averageLength: reader.averageLengths[f])))
        }
        return .phrase(leaves)
    }
}

extension QueryPlan {
    /// The scorer of this plan in one segment, or nil when nothing there can match.
    func scorer(segment: SegmentReader) -> Scorer? {
        switch self {
        case let .terms(leaves):
            let subs: [Scorer] = leaves.compactMap { leaf in
                guard let info = leaf.term.withUnsafeBytes({ segment.termInfo(field: leaf.field, term: $0) }) else { return nil }
                return TermScorer(cursor: segment.cursor(info), bm25: leaf.bm25, lengths: segment.norms[leaf.field].baseAddress!)
            }
            if subs.isEmpty { return nil }
            return subs.count == 1 ? subs[0] : DisjunctionScorer(subs)
        case let .phrase(leaves):
            let subs: [Scorer] = leaves.compactMap { leaf in
                var cursors: [PostingsCursor] = []
                for t in leaf.terms {
                    guard let info = t.withUnsafeBytes({ segment.termInfo(field: leaf.field, term: $0) }) else { return nil }
                    cursors.append(segment.cursor(info))
                }
                return PhraseScorer(cursors: cursors, offsets: leaf.offsets, slop: leaf.slop, bm25: leaf.bm25, lengths: segment.norms[leaf.field].baseAddress!)
            }
            if subs.isEmpty { return nil }
            return subs.count == 1 ? subs[0] : DisjunctionScorer(subs)
        case let .dateRange(from, to):
            return DateRangeScorer(dates: segment.dates, from: from, to: to)
        case .matchAll:
            return AllDocsScorer(count: segment.docCount)
        case .matchNone:
            return nil
        case let .boolean(must, should, mustNot):
            var required: [Scorer] = []
            for m in must {
                guard let s = m.scorer(segment: segment) else { return nil }
                required.append(s)
            }
            let optional = should.compactMap { $0.scorer(segment: segment) }
            var positive: Scorer
            if required.isEmpty {
                if optional.isEmpty { return nil }
                positive = optional.count == 1 ? optional[0] : DisjunctionScorer(optional)
            } else {
                positive = required.count == 1 ? required[0] : ConjunctionScorer(required, docCount: segment.docCount)
                if !optional.isEmpty {
                    positive = OptionalScorer(required: positive, optional: optional.count == 1 ? optional[0] : DisjunctionScorer(optional))
                }
            }
            let excluded = mustNot.compactMap { $0.scorer(segment: segment) }
            if !excluded.isEmpty {
                positive = ExclusionScorer(required: positive, excluded: excluded.count == 1 ? excluded[0] : DisjunctionScorer(excluded))
            }
            return positive
        }
    }

    /// The term leaves of a pure disjunction (terms, prefixes, an OR of them), for the
    /// block-max MaxScore path; nil for any other shape.
    var disjunctiveLeaves: [TermLeaf]? {
        switch self {
        case let .terms(l): return l
        case let .boolean(must, should, mustNot) where must.isEmpty && mustNot.isEmpty && !should.isEmpty:
            var out: [TermLeaf] = []
            for s in should {
                guard let l = s.disjunctiveLeaves else { return nil }
                out += l
            }
            return out
        case .boolean(let must, let should, let mustNot) where must.count == 1 && should.isEmpty && mustNot.isEmpty:
            return must[0].disjunctiveLeaves
        case .matchNone: return []
        default: return nil
        }
    }
}
