/// A single word, in one field or the default fields.
///
/// The word is analyzed like the indexed text; when it analyzes to several terms (`e-mail`,
/// `U.S.`) it is searched as the phrase of those terms, and when to none (punctuation alone)
/// it matches nothing. Over several fields a document's score is the sum of the fields'.
public struct TermQuery: Query, Hashable {
    /// The raw word.
    public var text: String
    /// The field searched; nil for the default fields.
    public var field: String?

    public init(_ text: String, field: String? = nil) {
        self.text = text
        self.field = field
    }

    public var description: String { QuerySyntax.fieldPrefix(field) + QuerySyntax.escapeWord(text) }
}

extension TermQuery: WeightBuilding {
    func weight(_ context: WeightContext) throws -> Weight {
        let tokens = context.analyze(text)
        if tokens.isEmpty { return MatchNoneWeight() }
        if tokens.count > 1 { return try PhraseWeight(tokens: tokens, field: field, slop: 0, context: context) }
        let leaves = try context.fieldNumbers(field).map { context.weightedTerm(field: $0, term: tokens[0].term) }
        return TermsWeight(leaves, context: context, highlight: [[leaves[0].states.text]])
    }
}

/// Term lists whose scores add up: one term over several fields, or a prefix's expansions.
final class TermsWeight: Weight {
    let leaves: [WeightedTerm]
    let highlightTerms: [[String]]
    /// For explanations only (field names and lengths are looked up when one is asked for).
    private let reader: IndexReader
    /// The mean field lengths the terms were weighed with (for explanations).
    private let averageLengths: [Double]

    init(_ leaves: [WeightedTerm], context: WeightContext, highlight: [[String]]) {
        self.leaves = leaves
        self.highlightTerms = highlight
        reader = context.reader
        averageLengths = context.statistics.averageLengths
    }

    var termDisjunction: [WeightedTerm]? { leaves }

    /// Each term with the fields it is looked up in.
    var fieldHighlights: [HighlightTerms] {
        var fields: [String: Set<Int>] = [:], order: [String] = []
        for leaf in leaves {
            if fields[leaf.states.text] == nil { order.append(leaf.states.text) }
            fields[leaf.states.text, default: []].insert(leaf.field)
        }
        return order.map { HighlightTerms(terms: [$0], fields: fields[$0]) }
    }

    func scorer(_ segment: SegmentContext) -> Scorer? {
        let subs: [Scorer] = leaves.compactMap { leaf in
            leaf.states.cursor(segment).map { TermScorer(cursor: $0, bm25: leaf.bm25, lengths: segment.lengths(leaf.field)) }
        }
        if subs.isEmpty { return nil }
        return subs.count == 1 ? subs[0] : DisjunctionScorer(subs)
    }

    func count(_ segment: SegmentContext) -> Int? {
        let present = leaves.compactMap { $0.states.infos[segment.ordinal] }
        if present.isEmpty { return 0 }
        return present.count == 1 ? Int(present[0].docFreq) : nil
    }

    func explain(_ segment: SegmentContext, doc: UInt32) -> [Explanation.Entry]? {
        var entries: [Explanation.Entry] = []
        for leaf in leaves {
            guard let c = leaf.states.cursor(segment), c.advance(doc) == doc else { continue }
            let dl = segment.lengths(leaf.field)[Int(doc)]
            let name = reader.schema.indexedFields[leaf.field].name
            entries.append(Explanation.Entry(clause: "\(name):\(leaf.states.text)", field: name, tf: Int(c.freq),
                                             df: [leaf.states.docFreq], dl: Int(dl), avgdl: averageLengths[leaf.field],
                                             idf: leaf.idf, boost: leaf.boost, score: leaf.bm25.score(tf: c.freq, length: dl)))
        }
        return entries.isEmpty ? nil : entries
    }
}
