/// Words in sequence, in one field or the default fields.
///
/// `slop` 0 is the exact phrase; otherwise the words' displacements from their places in the
/// phrase may add up to `slop` (`"war legacy"~1` allows one word between them). Scored with
/// BM25 over the phrase's frequency, its idf the sum of its terms' (Lucene's phrase weight).
/// A phrase that analyzes to one term is that term's query.
public struct PhraseQuery: Query, Hashable {
    /// The raw text between the quotes.
    public var text: String
    /// The field searched; nil for the default fields.
    public var field: String?
    /// Total displacement allowed (0: exact).
    public var slop: Int

    public init(_ text: String, field: String? = nil, slop: Int = 0) {
        self.text = text
        self.field = field
        self.slop = slop
    }

    public var description: String {
        var escaped = ""
        for c in text {
            if c == "\"" || c == "\\" { escaped.append("\\") }
            escaped.append(c)
        }
        return QuerySyntax.fieldPrefix(field) + "\"" + escaped + "\"" + (slop > 0 ? "~\(slop)" : "")
    }
}

extension PhraseQuery: WeightBuilding {
    func weight(_ context: WeightContext) throws -> Weight {
        let tokens = context.analyze(text)
        if tokens.isEmpty { return MatchNoneWeight() }
        if tokens.count == 1 { return try TermQuery(text, field: field).weight(context) }
        return try PhraseWeight(tokens: tokens, field: field, slop: slop, context: context)
    }
}

/// A phrase in each searched field; a document's score is the sum over the fields.
final class PhraseWeight: Weight {
    /// The phrase in one field.
    struct Leaf {
        let field: Int
        let terms: [TermStates]
        let idf: Double
        let boost: Double
        let bm25: BM25Weight
    }

    let leaves: [Leaf]
    /// Offset of each term within the phrase (0, 1, 2, ... for a plain phrase).
    let offsets: [UInt32]
    let slop: Int
    let highlightTerms: [[String]]
    /// For explanations only (field names and lengths are looked up when one is asked for).
    private let reader: IndexReader
    /// The mean field lengths the phrase was weighed with (for explanations).
    private let averageLengths: [Double]

    init(tokens: [(term: [UInt8], position: Int)], field: String?, slop: Int, context: WeightContext) throws {
        let base = tokens[0].position
        offsets = tokens.map { UInt32($0.position - base) }
        self.slop = max(0, slop)
        highlightTerms = [tokens.map { String(decoding: $0.term, as: UTF8.self) }]
        let reader = context.reader
        leaves = try context.fieldNumbers(field).map { f in
            let terms = tokens.map { context.termStates(field: f, term: $0.term) }
            let idf = terms.reduce(0.0) { $0 + BM25.idf(docCount: context.statistics.docCount, docFreq: $1.docFreq) }
            let boost = reader.fieldBoosts[f]
            return Leaf(field: f, terms: terms, idf: idf, boost: boost,
                        bm25: BM25Weight(boost: boost, idf: idf, averageLength: context.statistics.averageLengths[f]))
        }
        self.reader = reader
        averageLengths = context.statistics.averageLengths
    }

    var fieldHighlights: [HighlightTerms] { highlightTerms.map { HighlightTerms(terms: $0, fields: Set(leaves.map(\.field))) } }

    /// Cursors over the leaf's terms in `segment`, or nil when one of them is absent there.
    private func cursors(_ leaf: Leaf, _ segment: SegmentContext) -> [PostingsCursor]? {
        var out: [PostingsCursor] = []
        out.reserveCapacity(leaf.terms.count)
        for t in leaf.terms {
            guard let c = t.cursor(segment) else { return nil }
            out.append(c)
        }
        return out
    }

    func scorer(_ segment: SegmentContext) -> Scorer? {
        let subs: [Scorer] = leaves.compactMap { leaf in
            cursors(leaf, segment).map {
                PhraseScorer(cursors: $0, offsets: offsets, slop: slop, bm25: leaf.bm25, lengths: segment.lengths(leaf.field),
                             deadline: segment.deadline)
            }
        }
        if subs.isEmpty { return nil }
        return subs.count == 1 ? subs[0] : DisjunctionScorer(subs)
    }

    func explain(_ segment: SegmentContext, doc: UInt32) -> [Explanation.Entry]? {
        var entries: [Explanation.Entry] = []
        for leaf in leaves {
            guard let cs = cursors(leaf, segment), cs.allSatisfy({ $0.advance(doc) == doc }) else { continue }
            let tf = PhraseMatcher(offsets: offsets, slop: slop).count(cs)
            guard tf > 0 else { continue }
            let dl = segment.lengths(leaf.field)[Int(doc)]
            let name = reader.schema.indexedFields[leaf.field].name
            let text = leaf.terms.map(\.text).joined(separator: " ")
            entries.append(Explanation.Entry(clause: "\(name):\"\(text)\"" + (slop > 0 ? "~\(slop)" : ""), field: name,
                                             tf: Int(tf), df: leaf.terms.map(\.docFreq), dl: Int(dl), avgdl: averageLengths[leaf.field],
                                             idf: leaf.idf, boost: leaf.boost, score: leaf.bm25.score(tf: tf, length: dl)))
        }
        return entries.isEmpty ? nil : entries
    }
}
